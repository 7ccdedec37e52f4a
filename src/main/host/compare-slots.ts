import { performance } from 'node:perf_hooks';
import type { ErrorBody } from '../../shared/errors.js';
import type { CompareResult } from '../../shared/host-api.js';
import type { PredictResponse, RequestSource } from '../../shared/slot-api.js';
import { describeError } from '../errors.js';
import { postTensorOrImage, type SlotEndpoint } from '../http/slot-endpoint.js';
import type { PreparedImage } from '../inference/input-tensor.js';
import { inputSpecKey } from '../model/input-spec-key.js';

type SlotEndpoints = { asis: SlotEndpoint | null; tobe: SlotEndpoint | null };

export interface CompareOptions {
  /** Classes per answer (5). */
  top?: number;
  /** Images with more pixels are left to the slots (which refuse them). */
  maxInputPixels?: number | undefined;
  /** Ask AS-IS, then TO-BE, so that each model's timing is its own (evaluations); else both at once. */
  oneSlotAtATime?: boolean;
  /** What the slots' metrics count these requests as ('compare'). */
  source?: RequestSource;
}

/**
 * One image through both slots at once, and whether their top-1 answers agree. The image is
 * prepared here (once when both models take the same input spec), and each slot gets the tensor
 * its own `/predict` would make (prepareForModels); a slot
 * whose model changed meanwhile (409), or an image this process cannot prepare, gets the image
 * itself, so the slot answers with its own verdict.
 */
export async function compareOnSlots(image: Uint8Array, endpoints: SlotEndpoints, options: CompareOptions = {}): Promise<CompareResult> {
  const { top = 5, maxInputPixels, oneSlotAtATime = false, source = 'compare' } = options;
  const started = performance.now();
  const tensors = await prepareTensors(image, endpoints, maxInputPixels);
  let prepareMs: number | null = null;
  const ask = async (endpoint: SlotEndpoint | null, title: string): Promise<PredictResponse | { error: ErrorBody['error'] }> => {
    if (!endpoint) return { error: { code: 'NOT_READY', message: `${title} is not serving.` } };
    try {
      const tensor = endpoint.input ? await tensors?.get(inputSpecKey(endpoint.input))?.catch(() => undefined) : undefined;
      if (tensor) prepareMs = Math.max(prepareMs ?? 0, Math.round((performance.now() - started) * 1000) / 1000);
      const response = await postTensorOrImage({ ...endpoint, source }, image, tensor ? { data: tensor.data, specKey: inputSpecKey(endpoint.input!) } : null, top);
      return response.status === 200 ? (response.body as PredictResponse) : { error: (response.body as ErrorBody).error };
    } catch (error) {
      return { error: { code: 'NOT_READY', message: `${title} did not answer (${describeError((error as Error).cause ?? error)}).` } };
    }
  };
  const [asis, tobe] = oneSlotAtATime
    ? [await ask(endpoints.asis, 'AS-IS'), await ask(endpoints.tobe, 'TO-BE')]
    : await Promise.all([ask(endpoints.asis, 'AS-IS'), ask(endpoints.tobe, 'TO-BE')]);
  const agree = 'predictions' in asis && 'predictions' in tobe ? asis.predictions[0]?.label === tobe.predictions[0]?.label : null;
  return { asis, tobe, agree, prepareMs };
}

/** The tensors (as they become ready) for the serving slots' input specs; null when none is known. A tensor that cannot be made rejects. */
async function prepareTensors(image: Uint8Array, endpoints: SlotEndpoints, maxInputPixels: number | undefined): Promise<Map<string, Promise<PreparedImage>> | null> {
  const specs = [endpoints.asis, endpoints.tobe].flatMap((endpoint) => (endpoint?.input ? [endpoint.input] : []));
  if (specs.length === 0) return null;
  // sharp is loaded only when the host first compares, so an idle host stays small.
  const { prepareForModels } = await import('../inference/prepare-for-models.js');
  const tensors = prepareForModels(image, specs, maxInputPixels);
  // Each is awaited (and its failure handled) by the slot it is for; no rejection goes unobserved.
  for (const tensor of tensors.values()) tensor.catch(() => undefined);
  return tensors;
}
