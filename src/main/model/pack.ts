import type { ModelInputSpec, ModelLabel, ModelManifest, ModelOutputSpec, ModelSource } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import { decodeBundle, encodeBundle, sha256Hex } from './bundle-format.js';

/** What it takes to make a bundle from a plain ONNX model. */
export interface PackRequest {
  onnx: Uint8Array;
  labels: ModelLabel[];
  input: ModelInputSpec;
  output: ModelOutputSpec;
  name: string;
  version: string;
  source: ModelSource;
  /** ISO time; now when absent. Fixed by the default-weights script so its output is reproducible. */
  created?: string;
}

/** Builds bundle bytes and their manifest, without loading the model (see packModel). */
export function buildBundle(request: PackRequest, subject = request.name): { bytes: Buffer; manifest: ModelManifest } {
  if (request.onnx.length === 0) {
    throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: the ONNX model is empty.`, { subject, httpStatus: 422 });
  }
  const manifest: ModelManifest = {
    name: request.name,
    version: request.version,
    created: request.created ?? new Date().toISOString(),
    source: request.source,
    input: request.input,
    output: request.output,
    labels: request.labels,
    onnx: { sha256: sha256Hex(request.onnx), bytes: request.onnx.length },
  };
  const bytes = encodeBundle(manifest, request.onnx);
  decodeBundle(bytes, subject);
  return { bytes, manifest };
}

/**
 * Packs an ONNX model with its labels and preprocessing into bundle bytes, then proves the result
 * serves: it is decoded again and loaded, shape-checked, warmed up and smoke-tested in onnxruntime.
 */
export async function packModel(request: PackRequest, subject = request.name): Promise<{ bytes: Buffer; manifest: ModelManifest }> {
  const packed = buildBundle(request, subject);
  // onnxruntime and sharp are loaded only by what packs a model, not by every module that reads bundles.
  const [{ ModelSession }, { smokeTest }] = await Promise.all([import('../inference/model-session.js'), import('../inference/smoke-test.js')]);
  const session = await ModelSession.load(decodeBundle(packed.bytes, subject), subject);
  try {
    await smokeTest(session, subject);
  } finally {
    await session.release();
  }
  return packed;
}
