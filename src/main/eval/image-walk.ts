import { opendir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { IMAGE_EXTENSIONS } from '../fs/image-files.js';

/** One image file of an evaluation set. */
export interface SetImage {
  /** Absolute path. */
  path: string;
  /** Path relative to the set's folder, with `/` separators. */
  file: string;
  /** The top-level subfolder the image is in (its class), or null for an image directly in the set's folder. */
  trueClass: string | null;
}

/**
 * The image files under `root`, walked lazily (one folder's names in memory at a time) in name
 * order; hidden files and folders are skipped, symbolic links to files followed.
 */
export async function* walkImages(root: string): AsyncGenerator<SetImage> {
  yield* walkFolder(root, root);
}

async function* walkFolder(root: string, folder: string): AsyncGenerator<SetImage> {
  const files: string[] = [];
  const folders: string[] = [];
  for await (const entry of await opendir(folder)) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) folders.push(entry.name);
    else if ((entry.isFile() || entry.isSymbolicLink()) && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(entry.name);
  }
  for (const name of files.sort()) {
    const path = join(folder, name);
    const file = relative(root, path).split(sep).join('/');
    const slash = file.indexOf('/');
    yield { path, file, trueClass: slash === -1 ? null : file.slice(0, slash) };
  }
  for (const name of folders.sort()) yield* walkFolder(root, join(folder, name));
}
