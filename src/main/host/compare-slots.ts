import type { ErrorBody } from '../../shared/errors.js';
import type { CompareResult } from '../../shared/host-api.js';
import type { PredictResponse } from '../../shared/slot-api.js';
import { describeError } from '../errors.js';

/** Sends one image to both slots' `/predict` at once and says whether their top-1 answers agree. */
export async function compareOnSlots(image: Uint8Array, urls: { asis: string | null; tobe: string | null }, top = 5): Promise<CompareResult> {
  const ask = async (url: string | null, title: string): Promise<PredictResponse | { error: ErrorBody['error'] }> => {
    if (!url) return { error: { code: 'NOT_READY', message: `${title} is not serving.` } };
    try {
      const response = await fetch(`${url}/predict?top=${top}`, { method: 'POST', body: image, headers: { 'content-type': 'application/octet-stream' } });
      const body = (await response.json()) as PredictResponse | ErrorBody;
      return response.ok ? (body as PredictResponse) : { error: (body as ErrorBody).error };
    } catch (error) {
      return { error: { code: 'NOT_READY', message: `${title} did not answer (${describeError((error as Error).cause ?? error)}).` } };
    }
  };
  const [asis, tobe] = await Promise.all([ask(urls.asis, 'AS-IS'), ask(urls.tobe, 'TO-BE')]);
  const agree = 'predictions' in asis && 'predictions' in tobe ? asis.predictions[0]?.label === tobe.predictions[0]?.label : null;
  return { asis, tobe, agree };
}
