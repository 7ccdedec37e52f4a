import type { ModelDescription } from '../../../shared/model-description.js';
import type { ModelManifest } from '../../../shared/model-manifest.js';
import type { ModelOutput } from '../../inference/classify.js';
import { topK } from '../../inference/scores.js';
import type { InferRequest } from './infer-request.js';

/** The reply to an infer request: a JSON body, or a JSON header followed by binary tensor data. */
export interface InferReply {
  body: Buffer | Record<string, unknown>;
  /** Set when the body carries binary data: the JSON header's byte length. */
  headerLength: number | null;
}

/**
 * The protocol's `$inference_response` for one run: the raw output tensor, or with the
 * classification extension each image's top-k classes as "value:index:label" strings (value is
 * the model's own output, as Triton reports it).
 */
export function inferReply(request: InferRequest, output: ModelOutput, manifest: ModelManifest, description: ModelDescription): InferReply {
  const head = { model_name: description.name, model_version: description.versions[0], ...(request.id !== null ? { id: request.id } : {}) };
  const outputName = description.outputs[0].name;
  const { classification, binary } = request.output;
  let tensor: { datatype: string; shape: number[]; values: number[] | string[]; bytes: Buffer };
  if (classification !== null) {
    const images = request.tensor.dims[0];
    const classes = output.values.length / images;
    const strings = Array.from({ length: images }, (_, image) => {
      const row = output.values.subarray(image * classes, (image + 1) * classes);
      return topK(row, classification).map((index) => `${row[index]}:${index}:${manifest.labels[index]!.id}`);
    }).flat();
    tensor = { datatype: 'BYTES', shape: [images, classification], values: strings, bytes: binary ? bytesTensor(strings) : Buffer.alloc(0) };
  } else {
    tensor = { datatype: 'FP32', shape: output.dims, values: Array.from(output.values), bytes: binary ? Buffer.from(output.values.buffer, output.values.byteOffset, output.values.byteLength) : Buffer.alloc(0) };
  }
  const described = { name: outputName, datatype: tensor.datatype, shape: tensor.shape };
  if (!binary) return { body: { ...head, outputs: [{ ...described, data: tensor.values }] }, headerLength: null };
  const json = Buffer.from(JSON.stringify({ ...head, outputs: [{ ...described, parameters: { binary_data_size: tensor.bytes.length } }] }));
  return { body: Buffer.concat([json, tensor.bytes]), headerLength: json.length };
}

/** BYTES elements in the binary extension's layout: each a 4-byte little-endian length, then the bytes. */
function bytesTensor(strings: string[]): Buffer {
  return Buffer.concat(strings.flatMap((text) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return [length, bytes];
  }));
}
