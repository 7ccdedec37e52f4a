import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LiteCnnError, isErrnoError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** How CLI commands find the running host: `<dataDir>/host.json`, readable by its owner only. */
export interface ControlFile {
  url: string;
  token: string;
  /** The host's own token for slots that require one (local CLI commands use it). */
  slotToken?: string;
  pid: number;
  startedAt: string;
}

export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'host.json');
}

/** Writes the control file with mode 0600: the token in it controls the host. */
export async function writeControlFile(dataDir: string, contents: ControlFile): Promise<void> {
  await writeFileAtomic(controlFilePath(dataDir), JSON.stringify(contents, null, 2), 0o600);
}

export async function removeControlFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readControlFile(dataDir).catch(() => null);
  if (current?.pid === pid) await unlink(controlFilePath(dataDir)).catch(() => undefined);
}

/** Reads the control file; HOST_NOT_RUNNING when there is none. */
export async function readControlFile(dataDir: string): Promise<ControlFile> {
  const file = controlFilePath(dataDir);
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as ControlFile;
    if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string') throw new Error('missing url or token');
    return parsed;
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) {
      throw new LiteCnnError('HOST_NOT_RUNNING', `No LiteCNN host is running for ${dataDir}. Start one with \`litecnn serve\` (or pass the same --data-dir it uses).`, { subject: dataDir });
    }
    throw new LiteCnnError('HOST_NOT_RUNNING', `${file} is damaged (${(error as Error).message}). Restart the host with \`litecnn serve\`.`, { subject: file });
  }
}
