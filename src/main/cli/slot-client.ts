import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { imageContentType } from '../fs/image-files.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { PredictResponse } from '../../shared/slot-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { postImageToSlot, type SlotAnswer, type SlotEndpoint } from '../http/slot-endpoint.js';


/** Sends an image file to a slot's `POST /predict` as a raw image body. */
export async function predictFile(endpoint: SlotEndpoint, file: string, top = 5): Promise<PredictResponse> {
  const bytes = await readFile(file).catch((error: Error) => {
    throw new LiteCnnError('NOT_AN_IMAGE', `Cannot read ${file}: ${error.message}`, { subject: file });
  });
  let response: SlotAnswer;
  try {
    response = await postImageToSlot(endpoint, bytes, imageContentType(file), top);
  } catch (error) {
    if (error instanceof LiteCnnError) throw error;
    throw new LiteCnnError('NOT_READY', `${endpoint.url} does not answer (${describeError(error)}). Check \`litecnn status\`.`, { subject: endpoint.url });
  }
  if (response.status !== 200) {
    const { code, message } = (response.body as ErrorBody).error;
    throw new LiteCnnError(code, `${basename(file)}: ${message}`, { subject: file, httpStatus: response.status });
  }
  return response.body as PredictResponse;
}
