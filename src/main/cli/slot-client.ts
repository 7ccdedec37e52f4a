import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ErrorBody } from '../../shared/errors.js';
import type { PredictResponse } from '../../shared/slot-api.js';
import { LiteCnnError, describeError } from '../errors.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp',
  '.gif': 'image/gif', '.avif': 'image/avif', '.tif': 'image/tiff', '.tiff': 'image/tiff',
};

/** File extensions `compare DIR` picks up. */
export const IMAGE_EXTENSIONS = new Set(Object.keys(MIME_BY_EXTENSION));

/** Sends an image file to a slot's `POST /predict` as multipart field "image", as `curl -F image=@FILE` does. */
export async function predictFile(slotUrl: string, file: string, top = 5): Promise<PredictResponse> {
  const bytes = await readFile(file).catch((error: Error) => {
    throw new LiteCnnError('NOT_AN_IMAGE', `Cannot read ${file}: ${error.message}`, { subject: file });
  });
  const form = new FormData();
  form.append('image', new Blob([bytes], { type: MIME_BY_EXTENSION[extname(file).toLowerCase()] ?? 'application/octet-stream' }), basename(file));
  let response: Response;
  try {
    response = await fetch(`${slotUrl}/predict?top=${top}`, { method: 'POST', body: form });
  } catch (error) {
    throw new LiteCnnError('NOT_READY', `${slotUrl} does not answer (${describeError((error as Error).cause ?? error)}). Check \`litecnn status\`.`, { subject: slotUrl });
  }
  const body = (await response.json()) as PredictResponse | ErrorBody;
  if (!response.ok) {
    const { code, message } = (body as ErrorBody).error;
    throw new LiteCnnError(code, `${basename(file)}: ${message}`, { subject: file, httpStatus: response.status });
  }
  return body as PredictResponse;
}
