import { createHash } from 'node:crypto';
import type { ModelInputSpec } from '../../shared/model-manifest.js';

/**
 * A fingerprint of how an image becomes a model's input tensor (size, layout, colour order,
 * normalisation, resize; not the tensor's name). Two models with the same key take the same tensor
 * for the same image, so it is prepared once for both.
 */
export function inputSpecKey(spec: ModelInputSpec): string {
  let key = keys.get(spec);
  if (key === undefined) {
    const { width, height, layout, colorOrder, mean, std, resize } = spec;
    const canonical = JSON.stringify([width, height, layout, colorOrder, mean, std, resize.mode, resize.shorterSide ?? null]);
    key = createHash('sha256').update(canonical).digest('hex').slice(0, 32);
    keys.set(spec, key);
  }
  return key;
}

/** Keys of the specs already seen (a model's manifest keeps its spec object), so a request pays no hash. */
const keys = new WeakMap<ModelInputSpec, string>();
