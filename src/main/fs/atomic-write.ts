import { open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The names writeFileAtomic gives its temp files: `.<name>.<12 hex>.tmp`. */
const TEMP_FILE_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Writes `data` to `file` so that a reader (or a crash) sees either the old file or the new one,
 * never a partial one: temp file in the same folder, fsync, rename, fsync of the folder.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

/**
 * Removes the temp files writeFileAtomic left in `dir` when its process was killed mid-write;
 * returns their names. Only for a folder no other writer is using at the time.
 */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const leftovers = (await readdir(dir).catch(() => [] as string[])).filter((name) => TEMP_FILE_NAME.test(name));
  await Promise.all(leftovers.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  return leftovers;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic there.
  } finally {
    await handle.close();
  }
}
