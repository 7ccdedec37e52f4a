import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import type { SlotInfo } from '../../src/shared/slot-api.js';
import pino from 'pino';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { ServedModel } from '../../src/main/slot/served-model.js';
import { SlotMetrics } from '../../src/main/slot/slot-metrics.js';
import { buildSlotServer } from '../../src/main/slot/slot-server.js';
import { fixtureImage } from '../helpers/paths.js';
import { startTestHost } from '../helpers/running-host.js';

/**
 * JSON schemas of the Open Inference Protocol's REST answers, from its OpenAPI document
 * (kserve/open-inference-protocol, specification/protocol/open_inference_rest.yaml) and, for the
 * health and model-ready answers the document leaves without a body, from inference_rest.md.
 * Errors are held to exactly `{ "error": string }`.
 */
const tensorData = { $id: 'tensor_data', type: 'array', items: { anyOf: [{ $ref: 'tensor_data' }, { type: 'number' }, { type: 'string' }, { type: 'boolean' }] } };
const parameters = { type: 'object' };
const metadataTensor = { type: 'object', properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } }, required: ['name', 'datatype', 'shape'] };
const SCHEMAS = {
  server_live: { type: 'object', properties: { live: { type: 'boolean' } }, required: ['live'] },
  server_ready: { type: 'object', properties: { ready: { type: 'boolean' } }, required: ['ready'] },
  metadata_server_response: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } }, required: ['name', 'version', 'extensions'] },
  metadata_model_response: { type: 'object', properties: { name: { type: 'string' }, versions: { type: 'array', items: { type: 'string' } }, platform: { type: 'string' }, inputs: { type: 'array', items: metadataTensor }, outputs: { type: 'array', items: metadataTensor } }, required: ['name', 'platform'] },
  ready_model_response: { type: 'object', properties: { name: { type: 'string' }, ready: { type: 'boolean' } }, required: ['name', 'ready'] },
  inference_response: {
    type: 'object',
    properties: {
      model_name: { type: 'string' }, model_version: { type: 'string' }, id: { type: 'string' }, parameters,
      outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string' }, parameters, data: { $ref: 'tensor_data' } }, required: ['name', 'shape', 'datatype', 'data'] } },
    },
    required: ['model_name', 'outputs'],
  },
  error_response: { type: 'object', properties: { error: { type: 'string', minLength: 1 } }, required: ['error'], additionalProperties: false },
} as const;
type SchemaName = keyof typeof SCHEMAS;

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(tensorData);
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)])) as Record<SchemaName, ValidateFunction>;

const { url } = await startTestHost();
const base = await url('asis');
const model = ((await (await fetch(`${base}/info`)).json()) as SlotInfo).model!;
const prepared = await prepareImage(await readFile(fixtureImage('dog-golden-retriever.jpg')), model.input);
const metadata = (await (await fetch(`${base}/v2/models/${model.name}`)).json()) as { versions: string[]; inputs: { name: string; shape: number[] }[]; outputs: { name: string }[] };
const [inputName, outputName, version] = [metadata.inputs[0]!.name, metadata.outputs[0]!.name, metadata.versions[0]!];
const input = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ name: inputName, shape: prepared.dims, datatype: 'FP32', data: Array.from(prepared.data), ...overrides });
const json = (body: unknown): RequestInit => ({ method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Each request a client might send under /v2, the status it must get, and the schema its answer must match. */
const CASES: { what: string; path: string; init?: RequestInit; status: number; schema: SchemaName }[] = [
  { what: 'server metadata', path: '/v2', status: 200, schema: 'metadata_server_response' },
  { what: 'server metadata, trailing slash', path: '/v2/', status: 200, schema: 'metadata_server_response' },
  { what: 'server live', path: '/v2/health/live', status: 200, schema: 'server_live' },
  { what: 'server live, trailing slash', path: '/v2/health/live/', status: 200, schema: 'server_live' },
  { what: 'server ready', path: '/v2/health/ready', status: 200, schema: 'server_ready' },
  { what: 'model metadata', path: `/v2/models/${model.name}`, status: 200, schema: 'metadata_model_response' },
  { what: 'model metadata by slot id', path: '/v2/models/asis', status: 200, schema: 'metadata_model_response' },
  { what: 'model metadata with its version', path: `/v2/models/${model.name}/versions/${version}`, status: 200, schema: 'metadata_model_response' },
  { what: 'model metadata, trailing slash', path: `/v2/models/${model.name}/`, status: 200, schema: 'metadata_model_response' },
  { what: 'model ready', path: `/v2/models/${model.name}/ready`, status: 200, schema: 'ready_model_response' },
  { what: 'model ready by slot id, with its version', path: `/v2/models/asis/versions/${version}/ready`, status: 200, schema: 'ready_model_response' },
  { what: 'infer, JSON', path: `/v2/models/${model.name}/infer`, init: json({ id: 'request-1', inputs: [input()] }), status: 200, schema: 'inference_response' },
  { what: 'infer, classification', path: `/v2/models/${model.name}/versions/${version}/infer`, init: json({ inputs: [input()], outputs: [{ name: outputName, parameters: { classification: 3 } }] }), status: 200, schema: 'inference_response' },
  { what: 'infer, nested data', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ data: [[Array.from(prepared.data)]] })] }), status: 200, schema: 'inference_response' },
  { what: 'an unknown model', path: '/v2/models/no-such-model', status: 404, schema: 'error_response' },
  { what: 'an unknown model\'s readiness', path: '/v2/models/no-such-model/ready', status: 404, schema: 'error_response' },
  { what: 'an unknown version', path: `/v2/models/${model.name}/versions/999`, status: 404, schema: 'error_response' },
  { what: 'infer on an unknown model', path: '/v2/models/no-such-model/infer', init: json({ inputs: [input()] }), status: 404, schema: 'error_response' },
  { what: 'an unknown route under /v2', path: '/v2/repository/index', status: 404, schema: 'error_response' },
  { what: 'GET on infer', path: `/v2/models/${model.name}/infer`, status: 405, schema: 'error_response' },
  { what: 'POST on server live', path: '/v2/health/live', init: { method: 'POST' }, status: 405, schema: 'error_response' },
  { what: 'DELETE on model metadata', path: `/v2/models/${model.name}`, init: { method: 'DELETE' }, status: 405, schema: 'error_response' },
  { what: 'infer, not JSON', path: `/v2/models/${model.name}/infer`, init: json('{"inputs": ['), status: 400, schema: 'error_response' },
  { what: 'infer, a JSON array', path: `/v2/models/${model.name}/infer`, init: json([]), status: 400, schema: 'error_response' },
  { what: 'infer, no inputs', path: `/v2/models/${model.name}/infer`, init: json({}), status: 400, schema: 'error_response' },
  { what: 'infer, wrong datatype', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ datatype: 'INT64' })] }), status: 400, schema: 'error_response' },
  { what: 'infer, wrong shape', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ shape: [1, 3, 10, 10] })] }), status: 400, schema: 'error_response' },
  { what: 'infer, wrong input name', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ name: 'pixels' })] }), status: 400, schema: 'error_response' },
  { what: 'infer, too few numbers', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ data: [1, 2, 3] })] }), status: 400, schema: 'error_response' },
  { what: 'infer, a string among the numbers', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input({ data: ['x', ...Array.from(prepared.data).slice(1)] })] }), status: 400, schema: 'error_response' },
  { what: 'infer, a numeric id', path: `/v2/models/${model.name}/infer`, init: json({ id: 42, inputs: [input()] }), status: 400, schema: 'error_response' },
  { what: 'infer, an unknown output', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input()], outputs: [{ name: 'logits2' }] }), status: 400, schema: 'error_response' },
  { what: 'infer, a bad classification count', path: `/v2/models/${model.name}/infer`, init: json({ inputs: [input()], outputs: [{ name: outputName, parameters: { classification: 0 } }] }), status: 400, schema: 'error_response' },
  { what: 'infer, text/plain', path: `/v2/models/${model.name}/infer`, init: { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } }, status: 415, schema: 'error_response' },
];

test('every /v2 answer, success or error, matches the protocol\'s schema, with the status it must have', async () => {
  const failures: string[] = [];
  for (const { what, path, init, status, schema } of CASES) {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      failures.push(`${what}: not JSON (${response.status}): ${text.slice(0, 200)}`);
      continue;
    }
    if (response.status !== status) failures.push(`${what}: status ${response.status}, not ${status}: ${text.slice(0, 200)}`);
    else if (!validators[schema](body)) failures.push(`${what}: not a ${schema}: ${ajv.errorsText(validators[schema].errors)} in ${text.slice(0, 200)}`);
  }
  assert.deepEqual(failures, []);
});

test('errors say what to send: a 415 on infer names JSON and the binary extension, a numeric id is refused by name', async () => {
  const unsupported = (await (await fetch(`${base}/v2/models/${model.name}/infer`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).json()) as { error: string };
  assert.match(unsupported.error, /application\/json/);
  assert.doesNotMatch(unsupported.error, /"image"/);
  const numericId = (await (await fetch(`${base}/v2/models/${model.name}/infer`, json({ id: 42, inputs: [input()] }))).json()) as { error: string };
  assert.match(numericId.error, /"id" must be a string/);
});

test('a model\'s readiness and an answer name the model, whatever alias the client used', async () => {
  const ready = (await (await fetch(`${base}/v2/models/asis/ready`)).json()) as { name: string };
  assert.equal(ready.name, model.name);
  const answer = (await (await fetch(`${base}/v2/models/asis/infer`, json({ id: 'a', inputs: [input()] }))).json()) as { model_name: string; id: string };
  assert.deepEqual([answer.model_name, answer.id], [model.name, 'a']);
});

test('with a token required, every /v2 refusal is the protocol\'s error too, known route or not; the probes stay open', async () => {
  const app = await buildSlotServer({
    slot: 'asis', model: new ServedModel(), metrics: new SlotMetrics('asis', { mirrorsToShadow: true }), logger: pino({ level: 'silent' }),
    maxUploadBytes: 1024 * 1024, maxInputPixels: 1e6, port: () => 0, startedAt: new Date(),
    tls: null, tokenSha256s: ['0'.repeat(64)], rateLimit: { perSecond: 0, burst: 1 }, maxConcurrentInferences: 1, maxQueuedRequests: 1, headersTimeoutMs: 5_000, requestTimeoutMs: 5_000,
  });
  const guarded = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    for (const [method, path] of [['GET', '/v2'], ['GET', '/v2/models/any'], ['POST', '/v2/models/any/infer'], ['GET', '/v2/no/such/route']] as const) {
      const response = await fetch(`${guarded}${path}`, { method });
      const body = (await response.json()) as unknown;
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.ok(validators.error_response(body), `${method} ${path}: ${JSON.stringify(body)}`);
    }
    const live = await fetch(`${guarded}/v2/health/live`);
    assert.equal(live.status, 200);
    assert.ok(validators.server_live(await live.json()));
  } finally {
    await app.close();
  }
});
