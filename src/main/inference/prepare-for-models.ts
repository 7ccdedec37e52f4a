import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import { decodePixels, prepareImage, type PreparedImage } from './preprocess.js';

/**
 * One image as the input tensors of several models, decoded once: keyed by `inputSpecKey`, one
 * tensor per distinct input spec. Models with the same spec share one tensor (exactly what
 * `/predict` would make). Models with different specs are each resized from one shared decode
 * (see decodePixels for when such a tensor is exact, and when it differs in the last digits of the
 * scores). Each tensor is ready (its promise settles) as soon as it is made, so a caller can send
 * the first while the second is resized.
 */
export function prepareForModels(image: Uint8Array, specs: readonly ModelInputSpec[], maxInputPixels?: number): Map<string, Promise<PreparedImage>> {
  const distinct = new Map(specs.map((spec) => [inputSpecKey(spec), spec] as const));
  if (distinct.size <= 1) return new Map([...distinct].map(([key, spec]) => [key, prepareImage(image, spec, maxInputPixels)]));
  const sizes = [...distinct.values()].map(decodedSizeFor);
  const pixels = decodePixels(
    image,
    Math.max(...sizes.map((size) => size.width)),
    Math.max(...sizes.map((size) => size.height)),
    maxInputPixels,
  );
  return new Map([...distinct].map(([key, spec]) => [key, pixels.then((decoded) => prepareImage(decoded, spec, maxInputPixels))]));
}

/** The smallest box both of whose sides the decoded image must cover for this spec's resize. */
function decodedSizeFor(spec: ModelInputSpec): { width: number; height: number } {
  if (spec.resize.mode !== 'resize-crop') return { width: spec.width, height: spec.height };
  const side = spec.resize.shorterSide ?? Math.max(spec.width, spec.height);
  return { width: side, height: side };
}
