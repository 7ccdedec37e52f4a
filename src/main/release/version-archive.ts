import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { readWholeFile } from '../fs/read-whole-file.js';
import { join } from 'node:path';
import { LiteCnnError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { decodeBundle, sha256Hex, type ModelBundle } from '../model/bundle-format.js';

/**
 * `weights/history/`: every bundle a slot has served and replaced, stored by the sha256 of its
 * bytes (`<sha>.bin`), so rollback can bring any kept version back byte for byte.
 */
export class VersionArchive {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'weights', 'history');
  }

  /** Stores bundle bytes (once per content); returns their sha256. */
  async keep(bytes: Uint8Array): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const sha = sha256Hex(bytes);
    const file = this.#file(sha);
    const existing = await stat(file).catch(() => null);
    if (existing?.size !== bytes.length) await writeFileAtomic(file, bytes);
    return sha;
  }

  /** A kept bundle, checked against its name; null when it is not (or no longer) kept. */
  async get(bundleSha256: string): Promise<{ bytes: Buffer; bundle: ModelBundle } | null> {
    const file = this.#file(bundleSha256);
    const bytes = await readWholeFile(file).catch(() => null);
    if (!bytes) return null;
    if (sha256Hex(bytes) !== bundleSha256) {
      throw new LiteCnnError('BUNDLE_HASH_MISMATCH', `${file} is damaged: its sha256 does not match its name. Remove it; it cannot be rolled back to.`, { subject: file });
    }
    return { bytes, bundle: decodeBundle(bytes, file) };
  }

  async has(bundleSha256: string): Promise<boolean> {
    return stat(this.#file(bundleSha256)).then(() => true, () => false);
  }

  /**
   * Keeps the `limit` most recently used versions (`recentFirst`, newest first) plus the
   * `protect`ed ones (what the slots serve now), and deletes the rest.
   */
  async prune(recentFirst: string[], limit: number, protect: string[]): Promise<string[]> {
    const keep = new Set([...new Set(recentFirst)].slice(0, limit).concat(protect));
    const removed: string[] = [];
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const sha = /^([0-9a-f]{64})\.bin$/.exec(name)?.[1];
      if (sha && !keep.has(sha)) {
        await unlink(join(this.dir, name)).catch(() => undefined);
        removed.push(sha);
      }
    }
    return removed;
  }

  #file(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new LiteCnnError('BAD_REQUEST', `"${sha}" is not a sha256.`, { httpStatus: 400 });
    return join(this.dir, `${sha}.bin`);
  }
}
