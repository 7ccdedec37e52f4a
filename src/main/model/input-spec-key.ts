import { createHash } from 'node:crypto';
import type { ModelInputSpec } from '../../shared/model-manifest.js';

/**
 * A fingerprint of how an image becomes a model's input tensor (size, layout, colour order,
 * normalisation, resize; not the tensor's name). Two models with the same key take the same tensor
 * for the same image, so it is prepared once for both.
 */
export function inputSpecKey(spec: ModelInputSpec): string {
  const { width, height, layout, colorOrder, mean, std, resize } = spec;
  const canonical = JSON.stringify([width, height, layout, colorOrder, mean, std, resize.mode, resize.shorterSide ?? null]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
