/**
 * One description of a served model, the same wherever it is shown: the Open Inference Protocol's
 * model metadata (`/v2/models/{name}`), `/info`'s `model.protocol`, `litecnn inspect` and the
 * Triton/KServe export. Shapes follow Triton's convention: a model that batches has -1 as its
 * first dimension, one that takes a single image has 1.
 */
export interface TensorDescription {
  name: string;
  datatype: 'FP32';
  shape: number[];
}

export interface ModelDescription {
  name: string;
  /** The version as a number, what Triton's one version folder is called ("1"). */
  versions: [string];
  platform: 'onnxruntime_onnx';
  inputs: [TensorDescription];
  outputs: [TensorDescription];
  /** The version people read ("1.0.0"), and the largest batch the model takes at once (0: one image, without a batch dimension of its own in Triton's config). */
  parameters: { version: string; max_batch_size: number };
}

/** The version number a served model has in the protocol and in an exported Triton repository. */
export const PROTOCOL_MODEL_VERSION = '1';
