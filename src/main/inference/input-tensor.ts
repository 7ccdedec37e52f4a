import type { ModelInputSpec } from '../../shared/model-manifest.js';

/** A decoded, resized image as the model's input tensor data. */
export interface PreparedImage {
  data: Float32Array;
  dims: [number, number, number, number];
}

/** How many values one image's input tensor holds. */
export function inputLength(spec: Pick<ModelInputSpec, 'width' | 'height'>): number {
  return 3 * spec.width * spec.height;
}

/** The side of the square a `resize-crop` spec resizes an image to before taking its centre crop. */
export function resizeCropSide(spec: Pick<ModelInputSpec, 'width' | 'height' | 'resize'>): number {
  return spec.resize.shorterSide ?? Math.max(spec.width, spec.height);
}

/** The shape of one image's input tensor as the manifest lays it out. */
export function inputDims(spec: Pick<ModelInputSpec, 'width' | 'height' | 'layout'>): [number, number, number, number] {
  const { width, height } = spec;
  return spec.layout === 'NCHW' ? [1, 3, height, width] : [1, height, width, 3];
}
