import { extname } from 'node:path';

const MIME_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp',
  '.gif': 'image/gif', '.avif': 'image/avif', '.tif': 'image/tiff', '.tiff': 'image/tiff',
};

/** File extensions taken to be images when a folder is read (`compare DIR`, `eval DIR`). */
export const IMAGE_EXTENSIONS = new Set(Object.keys(MIME_BY_EXTENSION));

/** The content type of an image file by its extension. */
export function imageContentType(file: string): string {
  return MIME_BY_EXTENSION[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
