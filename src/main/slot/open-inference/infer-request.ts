import type { ModelManifest } from '../../../shared/model-manifest.js';
import { LiteCnnError } from '../../errors.js';
import type { ModelDescription } from '../../../shared/model-description.js';
import { inputDims } from '../../inference/input-tensor.js';
import { float32FromBytes } from '../tensor-upload.js';

/** Header of the binary tensor data extension: how many body bytes are the JSON part. */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';

/** An Open Inference Protocol infer request, checked against the model that will answer it. */
export interface InferRequest {
  id: string | null;
  tensor: { data: Float32Array; dims: [number, number, number, number] };
  /** The output to return: as binary data or JSON, and as the top-k classes (classification extension) or the raw tensor. */
  output: { binary: boolean; classification: number | null };
}

type Json = Record<string, unknown>;

/**
 * Parses the body of `POST /v2/models/{name}/infer`: a JSON request, or with the binary tensor
 * data extension a JSON header of `headerLength` bytes followed by the tensor bytes. Every problem
 * is a 400 that names the field and what it must be.
 */
export function parseInferRequest(body: Uint8Array, headerLength: string | undefined, manifest: ModelManifest, description: ModelDescription): InferRequest {
  const jsonLength = headerLength === undefined ? body.length : Number(headerLength);
  if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length) {
    throw badRequest(`${INFERENCE_HEADER_LENGTH} must be the byte length of the JSON part (0 to ${body.length}), not "${headerLength}".`);
  }
  let request: Json;
  try {
    request = JSON.parse(Buffer.from(body.buffer, body.byteOffset, jsonLength).toString('utf8')) as Json;
  } catch (error) {
    throw badRequest(`the request is not valid JSON (${(error as Error).message}).`);
  }
  if (!isObject(request)) throw badRequest('the request must be a JSON object with "inputs".');
  if (request.id !== undefined && typeof request.id !== 'string') throw badRequest(`"id" must be a string (it is echoed in the answer), not ${JSON.stringify(request.id)}.`);
  const binaryPart = body.subarray(jsonLength);
  return {
    id: typeof request.id === 'string' ? request.id : null,
    tensor: parseInput(request.inputs, binaryPart, manifest, description),
    output: parseOutputs(request.outputs, request.parameters, manifest, description.outputs[0].name),
  };
}

function parseInput(inputs: unknown, binaryPart: Uint8Array, manifest: ModelManifest, description: ModelDescription): InferRequest['tensor'] {
  const { name: inputName, shape: declared } = description.inputs[0];
  const image = inputDims(manifest.input).slice(1) as [number, number, number];
  const maxBatch = Math.max(1, description.parameters.max_batch_size);
  const shapeText = `[${declared[0] === -1 ? `N (1 to ${maxBatch})` : 1}, ${image.join(', ')}]`;
  if (!Array.isArray(inputs) || inputs.length !== 1 || !isObject(inputs[0])) {
    throw badRequest(`"inputs" must list exactly one tensor, "${inputName}" FP32 ${shapeText}.`);
  }
  const input = inputs[0] as Json;
  if (input.name !== inputName) throw badRequest(`the model's input is "${inputName}", not "${String(input.name)}".`);
  if (input.datatype !== 'FP32') throw badRequest(`input "${inputName}" must have datatype "FP32", not "${String(input.datatype)}".`);
  const shape = input.shape;
  const batch = Array.isArray(shape) ? shape[0] : undefined;
  if (!Array.isArray(shape) || shape.length !== 4 || !Number.isInteger(batch) || (batch as number) < 1 || (batch as number) > maxBatch || shape.slice(1).some((dim, i) => dim !== image[i])) {
    throw badRequest(`input "${inputName}" must have shape ${shapeText} (${manifest.input.layout}), not ${JSON.stringify(shape)}.`);
  }
  const dims = [batch as number, ...image] as [number, number, number, number];
  const count = dims[0] * dims[1] * dims[2] * dims[3];
  const binarySize = isObject(input.parameters) ? (input.parameters as Json).binary_data_size : undefined;
  if (binarySize !== undefined) {
    if (binarySize !== binaryPart.length) throw badRequest(`binary_data_size is ${String(binarySize)} but ${binaryPart.length} bytes follow the JSON header.`);
    return { data: float32FromBytes(binaryPart, count, dims), dims };
  }
  if (binaryPart.length > 0) throw badRequest(`${binaryPart.length} bytes follow the JSON header but no input has binary_data_size.`);
  const values = Array.isArray(input.data) ? (input.data as unknown[]).flat(3) : null;
  if (!values || values.length !== count) {
    throw badRequest(`input "${inputName}" needs "data" with ${count} numbers (flat or nested, row-major), got ${values ? values.length : 'none'}.`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`input "${inputName}" data[${i}] is ${JSON.stringify(value)}; every element must be a finite number.`);
    data[i] = value;
  }
  return { data, dims };
}

function parseOutputs(outputs: unknown, parameters: unknown, manifest: ModelManifest, outputName: string): InferRequest['output'] {
  const binaryByDefault = isObject(parameters) && (parameters as Json).binary_data_output === true;
  if (outputs === undefined) return { binary: binaryByDefault, classification: null };
  if (!Array.isArray(outputs) || outputs.length !== 1 || !isObject(outputs[0])) {
    throw badRequest(`"outputs" may list one output, "${outputName}".`);
  }
  const output = outputs[0] as Json;
  if (output.name !== outputName) throw badRequest(`the model's output is "${outputName}", not "${String(output.name)}".`);
  const options = isObject(output.parameters) ? (output.parameters as Json) : {};
  const classes = manifest.labels.length;
  const classification = options.classification;
  if (classification !== undefined && (!Number.isInteger(classification) || (classification as number) < 1 || (classification as number) > classes)) {
    throw badRequest(`the "classification" parameter must be a whole number from 1 to ${classes}, not ${JSON.stringify(classification)}.`);
  }
  return { binary: typeof options.binary_data === 'boolean' ? options.binary_data : binaryByDefault, classification: (classification as number | undefined) ?? null };
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(why: string): LiteCnnError {
  return new LiteCnnError('BAD_REQUEST', `Bad infer request: ${why}`, { httpStatus: 400 });
}
