import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { TENSOR_CONTENT_TYPE } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import { inputDims, type PreparedImage } from '../inference/input-tensor.js';


/** Whether a request's body is a prepared tensor rather than an image. */
export function isTensorUpload(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === TENSOR_CONTENT_TYPE;
}

/**
 * The tensor of a `/predict` body sent as TENSOR_CONTENT_TYPE, checked against the model that will
 * run it: prepared for another input spec (the model changed since the sender looked) is a 409,
 * so the sender can send the image instead.
 */
export function uploadedTensor(body: unknown, sentSpecKey: string | string[] | undefined, spec: ModelInputSpec): Pick<PreparedImage, 'data' | 'dims'> {
  if (sentSpecKey !== inputSpecKey(spec)) {
    throw new LiteCnnError('TENSOR_SPEC_MISMATCH', `The tensor was prepared for input spec "${String(sentSpecKey ?? 'none')}" but this model's is "${inputSpecKey(spec)}" (the model changed). Send the image instead, or prepare the tensor again.`, { httpStatus: 409 });
  }
  const dims = inputDims(spec);
  return { data: float32FromBytes(body, dims[1] * dims[2] * dims[3], dims), dims };
}

/** Raw little-endian float32 bytes as a Float32Array of its own (safe to move to another thread); NaN and infinities are refused. */
export function float32FromBytes(body: unknown, count: number, dims: readonly number[]): Float32Array {
  if (!(body instanceof Uint8Array) || body.length !== count * 4) {
    const size = body instanceof Uint8Array ? body.length : 0;
    throw new LiteCnnError('BAD_REQUEST', `The tensor has ${size} bytes but a [${dims.join(', ')}] float32 tensor has ${count * 4}. Send exactly ${count} little-endian float32 values.`, { httpStatus: 400 });
  }
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(body);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(data[i]!)) throw new LiteCnnError('BAD_REQUEST', `Tensor element ${i} is ${data[i]}; every element must be a finite number.`, { httpStatus: 400 });
  }
  return data;
}
