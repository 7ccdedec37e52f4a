import type { ErrorBody } from '../../shared/errors.js';
import type { CompareResult } from '../../shared/host-api.js';
import type { PredictResponse } from '../../shared/slot-api.js';
import { describeError } from '../errors.js';
import { postImageToSlot, type SlotEndpoint } from '../http/slot-endpoint.js';

/** Sends one image to both slots' `/predict` at once and says whether their top-1 answers agree. */
export async function compareOnSlots(image: Uint8Array, endpoints: { asis: SlotEndpoint | null; tobe: SlotEndpoint | null }, top = 5): Promise<CompareResult> {
  const ask = async (endpoint: SlotEndpoint | null, title: string): Promise<PredictResponse | { error: ErrorBody['error'] }> => {
    if (!endpoint) return { error: { code: 'NOT_READY', message: `${title} is not serving.` } };
    try {
      const response = await postImageToSlot(endpoint, image, 'application/octet-stream', top);
      return response.status === 200 ? (response.body as PredictResponse) : { error: (response.body as ErrorBody).error };
    } catch (error) {
      return { error: { code: 'NOT_READY', message: `${title} did not answer (${describeError((error as Error).cause ?? error)}).` } };
    }
  };
  const [asis, tobe] = await Promise.all([ask(endpoints.asis, 'AS-IS'), ask(endpoints.tobe, 'TO-BE')]);
  const agree = 'predictions' in asis && 'predictions' in tobe ? asis.predictions[0]?.label === tobe.predictions[0]?.label : null;
  return { asis, tobe, agree };
}
