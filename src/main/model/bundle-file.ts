import type { ModelManifest } from '../../shared/model-manifest.js';
import { readWholeFile } from '../fs/read-whole-file.js';
import { LiteCnnError, isErrnoError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { decodeBundle, encodeBundle, type ModelBundle } from './bundle-format.js';

/** Reads and validates a bundle file; every failure is a LiteCnnError naming the file. */
export async function readBundleFile(file: string): Promise<ModelBundle> {
  let bytes: Buffer;
  try {
    bytes = await readWholeFile(file);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) {
      throw new LiteCnnError('BUNDLE_NOT_FOUND', `${file}: no such model bundle. Check the path, or reinstall the weights.`, { subject: file, httpStatus: 404 });
    }
    throw new LiteCnnError('BUNDLE_NOT_FOUND', `${file}: cannot be read (${(error as Error).message}).`, { subject: file, cause: error });
  }
  return decodeBundle(bytes, file);
}

/** Writes a bundle file atomically. */
export async function writeBundleFile(file: string, manifest: ModelManifest, onnx: Uint8Array): Promise<void> {
  await writeFileAtomic(file, encodeBundle(manifest, onnx));
}
