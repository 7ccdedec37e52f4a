import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LiteCnnError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** How many kept images shadow mode holds at most; the oldest go first. */
const IMAGES_KEPT = 100;
const IMAGE_NAME = /^[0-9a-f]{32}\.img$/;
/** Formats a browser shows as an image; anything else (an SVG, say) is served as opaque bytes. */
const RASTER_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'];

/**
 * The images shadow mode keeps when the user opted in (setting shadowKeepImages): the data dir's
 * `shadow/` folder, one file per disagreement named by the image's hash, the newest IMAGES_KEPT.
 */
export class ShadowImages {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'shadow');
  }

  /** Stores an image under its SHA-256 and returns its file name, or null when the disk refuses (the comparison is kept anyway). */
  async keep(sha256: string, image: Uint8Array): Promise<string | null> {
    try {
      await mkdir(this.#dir, { recursive: true });
      const name = `${sha256.slice(0, 32)}.img`;
      await writeFileAtomic(join(this.#dir, name), image);
      const kept = await readdir(this.#dir);
      if (kept.length > IMAGES_KEPT) {
        const aged = await Promise.all(kept.map(async (file) => ({ file, mtime: (await stat(join(this.#dir, file)).catch(() => null))?.mtimeMs ?? 0 })));
        aged.sort((a, b) => a.mtime - b.mtime);
        for (const { file } of aged.slice(0, kept.length - IMAGES_KEPT)) await unlink(join(this.#dir, file)).catch(() => undefined);
      }
      return name;
    } catch {
      return null;
    }
  }

  /** A kept image by the file name its sample names, with the content type to serve it as. */
  async read(name: string): Promise<{ bytes: Buffer; contentType: string }> {
    const missing = new LiteCnnError('NOT_FOUND', `No kept shadow image "${name}" (only the newest ${IMAGES_KEPT} are kept, and only with shadowKeepImages on).`, { httpStatus: 404 });
    if (!IMAGE_NAME.test(name)) throw missing;
    const bytes = await readFile(join(this.#dir, name)).catch(() => {
      throw missing;
    });
    const { default: sharp } = await import('sharp');
    const format = await sharp(bytes).metadata().then((m) => m.format, () => undefined);
    return { bytes, contentType: format && RASTER_FORMATS.includes(format) ? `image/${format}` : 'application/octet-stream' };
  }
}
