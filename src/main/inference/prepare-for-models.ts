import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import type { PreparedImage } from './input-tensor.js';
import { prepareImage } from './preprocess.js';

/**
 * One image as the input tensors of several models, keyed by `inputSpecKey`: one tensor per
 * distinct input spec, each made exactly as that model's own `/predict` makes it. Models with the
 * same spec share one decode and one tensor. Models with different specs each decode the image
 * themselves: a tensor resized from another model's decode differs from `/predict`'s, and so would
 * the scores the compare view shows. Each tensor is ready (its promise settles) as soon as it is
 * made, so a caller can send the first while the second is made.
 */
export function prepareForModels(image: Uint8Array, specs: readonly ModelInputSpec[], maxInputPixels?: number): Map<string, Promise<PreparedImage>> {
  const distinct = new Map(specs.map((spec) => [inputSpecKey(spec), spec] as const));
  return new Map([...distinct].map(([key, spec]) => [key, prepareImage(image, spec, maxInputPixels)]));
}
