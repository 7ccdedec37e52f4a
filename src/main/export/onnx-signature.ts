import type ort from 'onnxruntime-node';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError, describeError } from '../errors.js';
import type { OnnxSignature, TensorSignature } from '../model/model-description.js';

/**
 * Opens the ONNX model in onnxruntime (no graph optimisation: only its declared interface is
 * read) and returns the input and output the slot uses: the manifest's names when set, else the
 * model's first. Both must be float32 tensors, as they are for every model a slot can serve.
 */
export async function readOnnxSignature(onnx: Uint8Array, manifest: ModelManifest, subject: string): Promise<OnnxSignature> {
  let session: ort.InferenceSession;
  try {
    const { InferenceSession } = (await import('onnxruntime-node')).default;
    session = await InferenceSession.create(onnx, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  } catch (error) {
    throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: onnxruntime cannot load the model (${describeError(error)}). Install a model that loads.`, { subject, cause: error });
  }
  try {
    return {
      input: tensorSignature(session.inputMetadata, manifest.input.name, 'input', subject),
      output: tensorSignature(session.outputMetadata, manifest.output.name, 'output', subject),
    };
  } finally {
    await session.release();
  }
}

function tensorSignature(metadata: readonly ort.InferenceSession.ValueMetadata[], wanted: string | undefined, kind: 'input' | 'output', subject: string): TensorSignature {
  const value = wanted === undefined ? metadata[0] : metadata.find((m) => m.name === wanted);
  const code = kind === 'input' ? 'MODEL_INPUT_MISMATCH' : 'MODEL_OUTPUT_MISMATCH';
  if (!value) {
    const names = metadata.map((m) => `"${m.name}"`).join(', ') || 'none';
    throw new LiteCnnError(code, `${subject}: the model has no ${kind}${wanted === undefined ? '' : ` named "${wanted}"`} (its ${kind}s: ${names}).`, { subject });
  }
  if (!value.isTensor || value.type !== 'float32') {
    throw new LiteCnnError(code, `${subject}: the model's ${kind} "${value.name}" is not a float32 tensor; only float32 models can be exported.`, { subject });
  }
  return { name: value.name, shape: [...value.shape] };
}
