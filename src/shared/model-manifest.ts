/** One class the model can answer, with its English and Korean names. */
export interface ModelLabel {
  id: string;
  en: string;
  ko: string;
}

/**
 * How an image becomes the model's input tensor:
 * - `resize-crop`: shorter side to `shorterSide`, then a centre crop of width x height (ImageNet style);
 * - `cover`: scale to cover width x height, cropping the overflow;
 * - `fill`: stretch to width x height, ignoring the aspect ratio.
 */
export type ResizeMode = 'resize-crop' | 'cover' | 'fill';

/** Everything preprocessing needs, so a new model may change it without code changes. */
export interface ModelInputSpec {
  /** ONNX input name; the model's first input when absent. */
  name?: string;
  width: number;
  height: number;
  layout: 'NCHW' | 'NHWC';
  colorOrder: 'RGB' | 'BGR';
  /** Per-channel mean and std in 0..1 units, in `colorOrder` order: x = (pixel / 255 - mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
  resize: { mode: ResizeMode; shorterSide?: number };
}

/** The model's output and whether softmax still has to be applied to it. */
export interface ModelOutputSpec {
  /** ONNX output name; the model's first output when absent. */
  name?: string;
  kind: 'logits' | 'probabilities';
}

/** Where a model came from. */
export interface ModelSource {
  kind: 'generated' | 'training-run' | 'import';
  runId?: string;
  /** What the model is and where it came from, in a sentence. */
  note?: string;
  /** The licence the weights come under (an SPDX id such as Apache-2.0). */
  license?: string;
}

/** The JSON manifest inside a model bundle. */
export interface ModelManifest {
  name: string;
  version: string;
  created: string;
  source: ModelSource;
  input: ModelInputSpec;
  output: ModelOutputSpec;
  labels: ModelLabel[];
  onnx: { sha256: string; bytes: number };
}

/** The short form of a manifest that answers and status lines carry. */
export interface ModelSummary {
  name: string;
  version: string;
  sha256: string;
}
