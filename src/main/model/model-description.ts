import { PROTOCOL_MODEL_VERSION, type ModelDescription } from '../../shared/model-description.js';
import type { ModelManifest } from '../../shared/model-manifest.js';

/** One dimension as onnxruntime reports it: a fixed size, or a symbolic name such as "batch". */
export type OnnxDim = number | string;

/** A tensor as the ONNX model declares it: its name and shape (empty when the model declares none). */
export interface TensorSignature {
  name: string;
  shape: OnnxDim[];
}

/** The input and output a slot uses, as the ONNX model itself declares them. */
export interface OnnxSignature {
  input: TensorSignature;
  output: TensorSignature;
}

/** The largest batch a model whose batch dimension is dynamic is sent at once (by Triton, or in one infer request). */
export const MAX_BATCH_SIZE = 8;

/**
 * The model as the protocol, /info, inspect and the export describe it. A dynamic first dimension
 * on both the input and the output means the model batches (shape -1, up to MAX_BATCH_SIZE);
 * otherwise it takes one image (shape 1).
 */
export function describeModel(manifest: ModelManifest, signature: OnnxSignature): ModelDescription {
  const { input, output } = signature;
  const batches = isDynamic(input.shape[0]) && isDynamic(output.shape[0]);
  const { width, height, layout } = manifest.input;
  const image = layout === 'NCHW' ? [3, height, width] : [height, width, 3];
  const classes = manifest.labels.length;
  const outputDims = output.shape.length > 0 ? output.shape.slice(1).map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) : [classes];
  if (outputDims.at(-1) === -1) outputDims[outputDims.length - 1] = classes;
  const batch = batches ? -1 : 1;
  return {
    name: manifest.name,
    versions: [PROTOCOL_MODEL_VERSION],
    platform: 'onnxruntime_onnx',
    inputs: [{ name: input.name, datatype: 'FP32', shape: [batch, ...image] }],
    outputs: [{ name: output.name, datatype: 'FP32', shape: [batch, ...outputDims] }],
    parameters: { version: manifest.version, max_batch_size: batches ? MAX_BATCH_SIZE : 0 },
  };
}

/** True for a symbolic dimension ("batch") or an unknown one (negative). */
function isDynamic(dim: OnnxDim | undefined): boolean {
  return typeof dim === 'string' || (typeof dim === 'number' && dim < 0);
}
