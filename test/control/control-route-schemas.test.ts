import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildControlServer, type HostController } from '../../src/main/control/control-server.js';
import { registeredSchemas, precompiledValidator } from '../../src/main/schema-validator.js';

/** A controller that records what the control API asked of it. */
const calls: { method: string; args: unknown[] }[] = [];
const controller = new Proxy({}, {
  get: (_target, method: string) => (...args: unknown[]) => {
    calls.push({ method, args });
    return method === 'logs' ? Promise.resolve([]) : Promise.resolve({});
  },
}) as HostController;

let app: FastifyInstance;
let url: string;
before(async () => {
  app = buildControlServer(controller, 'token', pino({ level: 'silent' }), { maxUploadBytes: 1024 * 1024 });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => app.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  calls.length = 0;
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: 'Bearer token', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

test('the control API starts without Fastify\'s schema compilers: no Ajv or fast-json-stringify is loaded, every route schema has the build\'s code', async () => {
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  // Fastify's error serializer needs fast-json-stringify's small runtime (lib/), not its compiler.
  assert.deepEqual(loaded.filter((file) => /[/\\](@fastify[/\\](ajv-compiler|fast-json-stringify-compiler)|ajv)[/\\]|fast-json-stringify[/\\]index\.js$/.test(file)), []);
  const routeSchemas = [...registeredSchemas()].filter(([name]) => name.startsWith('control-'));
  assert.ok(routeSchemas.length >= 10, routeSchemas.map(([name]) => name).join(', '));
  for (const [name, schema] of routeSchemas) assert.equal(typeof precompiledValidator(name, schema), 'function', name);
});

test('a body the route schema refuses is a 400 naming the field; properties a schema does not allow are dropped, as Fastify\'s own compiler did', async () => {
  const refused = await call('POST', '/api/rollback', { slot: 'both' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error?.code, 'BAD_REQUEST');
  assert.match(refused.body.error?.message ?? '', /body\/slot must be equal to one of the allowed values/);
  assert.deepEqual(calls, []);

  const missing = await call('PUT', '/api/gpu/passphrase', {});
  assert.equal(missing.status, 400);
  assert.match(missing.body.error?.message ?? '', /must have required property 'passphrase'/);

  const extra = await call('POST', '/api/rollback', { slot: 'tobe', to: 'v1', colour: 'blue' });
  assert.equal(extra.status, 200);
  assert.deepEqual(calls, [{ method: 'rollback', args: [{ slot: 'tobe', to: 'v1', trigger: 'api' }] }]);
});

test('a query string number is read as a number, and one out of range is a 400', async () => {
  assert.equal((await call('GET', '/api/logs/host?lines=5')).status, 200);
  assert.deepEqual(calls, [{ method: 'logs', args: ['host', 5] }]);
  for (const lines of ['0', '5000', 'many']) {
    const refused = await call('GET', `/api/logs/host?lines=${lines}`);
    assert.equal(refused.status, 400, lines);
    assert.match(refused.body.error?.message ?? '', /querystring\/lines must be/, lines);
  }
});
