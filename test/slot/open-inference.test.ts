import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { INPUT_SPEC_HEADER, TENSOR_CONTENT_TYPE, type PredictResponse, type SlotInfo } from '../../src/shared/slot-api.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { softmax, topK } from '../../src/main/inference/scores.js';
import { inputSpecKey } from '../../src/main/model/input-spec-key.js';
import { fixtureImage } from '../helpers/paths.js';
import { startTestHost } from '../helpers/running-host.js';

// Requests are shaped as the Open Inference Protocol's documentation shows them (KServe V2 REST,
// and its binary tensor data and classification extensions).
const { url } = await startTestHost();
const base = await url('tobe');
const info = (await (await fetch(`${base}/info`)).json()) as SlotInfo;
const model = info.model!;
const photo = await readFile(fixtureImage('dog-golden-retriever.jpg'));
const prepared = await prepareImage(photo, model.input);
const expected = (await (await fetch(`${base}/predict`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } })).json()) as PredictResponse;
const metadata = (await (await fetch(`${base}/v2/models/${model.name}`)).json()) as { inputs: { name: string; shape: number[] }[]; outputs: { name: string; shape: number[] }[] };
const inputName = metadata.inputs[0]!.name;
const outputName = metadata.outputs[0]!.name;

function inferJson(body: unknown, name = model.name): Promise<Response> {
  return fetch(`${base}/v2/models/${name}/infer`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

function tensorInput(data: unknown = Array.from(prepared.data)): Record<string, unknown> {
  return { name: inputName, shape: prepared.dims, datatype: 'FP32', data };
}

/** The top class and its probability from a raw output, as /predict ranks them. */
function topOf(values: ArrayLike<number>): { index: number; score: number } {
  const scores = model.output.kind === 'logits' ? softmax(values) : Float64Array.from(values);
  const index = topK(scores, 1)[0]!;
  return { index, score: scores[index]! };
}
const labels = (await (await fetch(`${base}/v2/models/${model.name}/infer`, { method: 'POST', body: JSON.stringify({ inputs: [tensorInput()], outputs: [{ name: outputName, parameters: { classification: model.labels } }] }), headers: { 'content-type': 'application/json' } })).json()) as { outputs: { data: string[] }[] };
const labelAt = new Map(labels.outputs[0]!.data.map((entry) => [Number(entry.split(':')[1]), entry.split(':').slice(2).join(':')]));

test('health, server and model metadata, and readiness answer as the protocol says', async () => {
  assert.deepEqual(await (await fetch(`${base}/v2/health/live`)).json(), { live: true });
  assert.deepEqual(await (await fetch(`${base}/v2/health/ready`)).json(), { ready: true });
  const server = (await (await fetch(`${base}/v2`)).json()) as { name: string; extensions: string[] };
  assert.deepEqual(server.extensions.sort(), ['binary_tensor_data', 'classification']);
  // The bundled models batch (a dynamic first dimension): -1, as Triton shows it.
  assert.equal(metadata.inputs[0]!.shape.join(','), [-1, ...prepared.dims.slice(1)].join(','));
  assert.deepEqual(metadata.outputs[0]!.shape, [-1, model.labels]);
  const byAlias = (await (await fetch(`${base}/v2/models/tobe/versions/${model.version}`)).json()) as { name: string; versions: string[]; platform: string };
  assert.equal(byAlias.name, model.name);
  assert.deepEqual(byAlias.versions, ['1'], 'the number Triton\'s version folder has');
  assert.equal((byAlias as unknown as { parameters: { version: string } }).parameters.version, model.version, 'the version people read, beside it');
  assert.equal(byAlias.platform, 'onnxruntime_onnx');
  assert.deepEqual(await (await fetch(`${base}/v2/models/${model.name}/ready`)).json(), { name: model.name, ready: true });
});

test('an unknown model or version is a 404 with the protocol\'s {"error": "..."} body naming what is served', async () => {
  for (const path of ['/v2/models/resnet50', `/v2/models/${model.name}/versions/0.0.0-nope/ready`, '/v2/models/asis/ready']) {
    const response = await fetch(`${base}${path}`);
    assert.equal(response.status, 404, path);
    const body = (await response.json()) as { error: string };
    assert.equal(typeof body.error, 'string');
    assert.match(body.error, new RegExp(model.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
});

test('JSON infer gives the raw output tensor, which ranks the photo exactly as /predict does', async () => {
  const response = await inferJson({ id: '42', inputs: [tensorInput()], outputs: [{ name: outputName }] });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { model_name: string; model_version: string; id: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] };
  assert.equal(body.model_name, model.name);
  assert.equal(body.model_version, '1');
  assert.equal(body.id, '42');
  const [output] = body.outputs;
  assert.equal(output!.name, outputName);
  assert.equal(output!.datatype, 'FP32');
  assert.deepEqual(output!.shape, [1, model.labels]);
  const top = topOf(output!.data);
  assert.equal(labelAt.get(top.index), expected.predictions[0]!.label);
  assert.ok(Math.abs(top.score - expected.predictions[0]!.score) < 1e-5, `${top.score} vs ${expected.predictions[0]!.score}`);
});

test('nested (row-major) data is accepted and answers the same as flat data', async () => {
  const [, channels, height, width] = prepared.dims;
  const nested = [Array.from({ length: channels }, (_, c) => Array.from({ length: height }, (_, y) => Array.from(prepared.data.subarray((c * height + y) * width, (c * height + y + 1) * width))))];
  const flat = (await (await inferJson({ inputs: [tensorInput()] })).json()) as { outputs: { data: number[] }[] };
  const fromNested = (await (await inferJson({ inputs: [tensorInput(nested)] })).json()) as { outputs: { data: number[] }[] };
  assert.deepEqual(fromNested.outputs[0]!.data, flat.outputs[0]!.data);
});

test('the binary tensor data extension: binary input and binary output agree with JSON', async () => {
  const tensorBytes = Buffer.from(prepared.data.buffer, prepared.data.byteOffset, prepared.data.byteLength);
  const header = Buffer.from(JSON.stringify({
    inputs: [{ name: inputName, shape: prepared.dims, datatype: 'FP32', parameters: { binary_data_size: tensorBytes.length } }],
    outputs: [{ name: outputName, parameters: { binary_data: true } }],
  }));
  const response = await fetch(`${base}/v2/models/${model.name}/infer`, {
    method: 'POST',
    body: Buffer.concat([header, tensorBytes]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  });
  assert.equal(response.status, 200);
  const jsonLength = Number(response.headers.get('inference-header-content-length'));
  const bytes = Buffer.from(await response.arrayBuffer());
  const head = JSON.parse(bytes.subarray(0, jsonLength).toString()) as { outputs: { parameters: { binary_data_size: number }; shape: number[] }[] };
  const size = head.outputs[0]!.parameters.binary_data_size;
  assert.equal(size, model.labels * 4);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + jsonLength, bytes.byteOffset + jsonLength + size));
  const json = (await (await inferJson({ inputs: [tensorInput()] })).json()) as { outputs: { data: number[] }[] };
  assert.deepEqual(Array.from(values), json.outputs[0]!.data);
});

test('the classification extension answers the top classes as "value:index:label"', async () => {
  const response = await inferJson({ inputs: [tensorInput()], outputs: [{ name: outputName, parameters: { classification: 3 } }] });
  assert.equal(response.status, 200);
  const output = ((await response.json()) as { outputs: { datatype: string; shape: number[]; data: string[] }[] }).outputs[0]!;
  assert.equal(output.datatype, 'BYTES');
  assert.deepEqual(output.shape, [1, 3]);
  assert.deepEqual(output.data.map((entry) => entry.split(':').slice(2).join(':')), expected.predictions.slice(0, 3).map((p) => p.label));
});

test('bad infer requests are 400s that name the field and what it must be', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['wrong shape', { inputs: [{ ...tensorInput(), shape: [1, 3, 10, 10] }] }, /shape/],
    ['wrong datatype', { inputs: [{ ...tensorInput(), datatype: 'INT64' }] }, /FP32/],
    ['wrong input name', { inputs: [{ ...tensorInput(), name: 'images' }] }, new RegExp(inputName)],
    ['too few numbers', { inputs: [tensorInput([1, 2, 3])] }, /numbers/],
    ['a string in the data', { inputs: [tensorInput(['x', ...Array.from(prepared.data).slice(1)])] }, /finite number/],
    ['no inputs', { outputs: [] }, /inputs/],
    ['a bad classification', { inputs: [tensorInput()], outputs: [{ name: outputName, parameters: { classification: 0 } }] }, /classification/],
  ];
  for (const [what, body, message] of cases) {
    const response = await inferJson(body);
    assert.equal(response.status, 400, what);
    assert.match(((await response.json()) as { error: string }).error, message, what);
  }
  const notJson = await fetch(`${base}/v2/models/${model.name}/infer`, { method: 'POST', body: '{"inputs": [', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: string }).error, /not valid JSON/);
  const badSize = await fetch(`${base}/v2/models/${model.name}/infer`, {
    method: 'POST',
    body: Buffer.concat([Buffer.from(JSON.stringify({ inputs: [{ name: inputName, shape: prepared.dims, datatype: 'FP32', parameters: { binary_data_size: 12 } }] })), Buffer.alloc(8)]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': '1' },
  });
  assert.equal(badSize.status, 400);
});

test('/predict takes a prepared tensor for its input spec, and refuses one made for another spec with 409', async () => {
  const body = Buffer.from(prepared.data.buffer, prepared.data.byteOffset, prepared.data.byteLength);
  const ok = await fetch(`${base}/predict`, { method: 'POST', body, headers: { 'content-type': TENSOR_CONTENT_TYPE, [INPUT_SPEC_HEADER]: inputSpecKey(model.input) } });
  assert.equal(ok.status, 200);
  const answer = (await ok.json()) as PredictResponse;
  assert.deepEqual(answer.predictions.map((p) => p.label), expected.predictions.map((p) => p.label));
  assert.ok(Math.abs(answer.predictions[0]!.score - expected.predictions[0]!.score) < 1e-6);
  const other = await fetch(`${base}/predict`, { method: 'POST', body, headers: { 'content-type': TENSOR_CONTENT_TYPE, [INPUT_SPEC_HEADER]: inputSpecKey({ ...model.input, width: model.input.width + 1 }) } });
  assert.equal(other.status, 409);
  assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'TENSOR_SPEC_MISMATCH');
  const short = await fetch(`${base}/predict`, { method: 'POST', body: body.subarray(0, 100), headers: { 'content-type': TENSOR_CONTENT_TYPE, [INPUT_SPEC_HEADER]: inputSpecKey(model.input) } });
  assert.equal(short.status, 400);
});
