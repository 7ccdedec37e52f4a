import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import { decodePixels, prepareImage, type PreparedImage } from './preprocess.js';

/**
 * How much larger than a model's input the shared decode is kept, so that resizing it again for
 * each model loses next to nothing against resizing the original.
 */
const SHARED_DECODE_OVERSAMPLING = 2;

/**
 * One image as the input tensors of several models, decoded once: keyed by `inputSpecKey`, one
 * tensor per distinct input spec. Models with the same spec share one tensor (exactly what
 * `/predict` would make); models with different specs are each resized from one shared decode.
 */
export async function prepareForModels(image: Uint8Array, specs: readonly ModelInputSpec[], maxInputPixels?: number): Promise<Map<string, PreparedImage>> {
  const distinct = new Map(specs.map((spec) => [inputSpecKey(spec), spec] as const));
  if (distinct.size <= 1) {
    return new Map(await Promise.all([...distinct].map(async ([key, spec]) => [key, await prepareImage(image, spec, maxInputPixels)] as const)));
  }
  const sizes = [...distinct.values()].map(decodedSizeFor);
  const pixels = await decodePixels(
    image,
    Math.max(...sizes.map((size) => size.width)) * SHARED_DECODE_OVERSAMPLING,
    Math.max(...sizes.map((size) => size.height)) * SHARED_DECODE_OVERSAMPLING,
    maxInputPixels,
  );
  return new Map(await Promise.all([...distinct].map(async ([key, spec]) => [key, await prepareImage(pixels, spec, maxInputPixels)] as const)));
}

/** The smallest box both of whose sides the decoded image must cover for this spec's resize. */
function decodedSizeFor(spec: ModelInputSpec): { width: number; height: number } {
  if (spec.resize.mode !== 'resize-crop') return { width: spec.width, height: spec.height };
  const side = spec.resize.shorterSide ?? Math.max(spec.width, spec.height);
  return { width: side, height: side };
}
