import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { sha256Hex } from '../model/bundle-format.js';

/** How many optimized graphs are kept; older ones are removed. */
const KEEP = 16;

/**
 * onnxruntime's graph optimisation is most of the cost of creating a session (measured here:
 * 250-700 ms for a 16 MB model, against 40-65 ms to load the already optimised graph). A deploy
 * optimises once while validating in the host, and the slot's hot swap then loads the result,
 * so the swap takes far less CPU from the requests being served. Optimised graphs can hold
 * CPU-specific rewrites, so the cache key includes this machine's CPU and onnxruntime version.
 */
export class OptimizedGraphCache {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'cache', 'optimized-graphs');
  }

  /**
   * A session for these ONNX bytes: from the cached optimised graph when there is one, else
   * optimised now and cached. `onnxSha256` is theirs as the bundle's manifest gives it, already
   * checked against them when the bundle was read (decodeBundle), so they are not hashed again.
   */
  async createSession(onnx: Uint8Array, onnxSha256: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
    const cached = this.#file(onnxSha256);
    if (await stat(cached).then(() => true, () => false)) {
      try {
        return await ort.InferenceSession.create(cached, { ...options, graphOptimizationLevel: 'disabled' });
      } catch {
        await unlink(cached).catch(() => undefined);
      }
    }
    const temp = `${cached}.${randomBytes(6).toString('hex')}.tmp`;
    let session: ort.InferenceSession;
    try {
      await mkdir(this.dir, { recursive: true });
      session = await ort.InferenceSession.create(onnx, { ...options, graphOptimizationLevel: 'all', optimizedModelFilePath: temp });
    } catch {
      // The cache could not be written (a full disk, a read-only data dir): the model itself may
      // be fine, so it is loaded without the cache; a real model problem fails there.
      await unlink(temp).catch(() => undefined);
      return ort.InferenceSession.create(onnx, { ...options, graphOptimizationLevel: 'all' });
    }
    await rename(temp, cached).catch(() => unlink(temp).catch(() => undefined));
    await this.#prune();
    return session;
  }

  #file(onnxSha256: string): string {
    const machine = sha256Hex(Buffer.from(`${process.arch}|${cpus()[0]?.model ?? ''}|${ort.env.versions.common}`)).slice(0, 12);
    return join(this.dir, `${onnxSha256}-${machine}.onnx`);
  }

  async #prune(): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((name) => name.endsWith('.onnx'));
    if (names.length <= KEEP) return;
    const aged = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => b.mtime - a.mtime);
    for (const { name } of aged.slice(KEEP)) await unlink(join(this.dir, name)).catch(() => undefined);
  }
}
