import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pino from 'pino';
import { buildSlotServer } from '../../src/main/slot/slot-server.js';
import { ServedModel } from '../../src/main/slot/served-model.js';
import { SlotMetrics } from '../../src/main/slot/slot-metrics.js';

test('before a model is loaded, /predict and /readyz answer 503 NOT_READY while /healthz is alive', async () => {
  const app = await buildSlotServer({
    slot: 'tobe', model: new ServedModel(), metrics: new SlotMetrics('tobe', { mirrorsToShadow: false }), logger: pino({ level: 'silent' }),
    maxUploadBytes: 1024 * 1024, maxInputPixels: 1e6, port: () => 0, startedAt: new Date(),
    tls: null, tokenSha256s: [], rateLimit: { perSecond: 0, burst: 1 }, maxConcurrentInferences: 1, maxQueuedRequests: 1, headersTimeoutMs: 5_000, requestTimeoutMs: 5_000,
  });
  after(() => app.close());
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const predict = await fetch(`${url}/predict`, { method: 'POST', body: Buffer.from([0xff, 0xd8]), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(predict.status, 503);
  assert.equal(((await predict.json()) as { error: { code: string } }).error.code, 'NOT_READY');
  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 503);
  await ready.body?.cancel();
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
});
