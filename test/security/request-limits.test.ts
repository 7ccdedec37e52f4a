import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { fixtureImage } from '../helpers/paths.js';
import { startTestHost } from '../helpers/running-host.js';

test('a full slot answers 503 with Retry-After at once instead of queueing without bound, and recovers', async () => {
  const { url } = await startTestHost({ maxConcurrentInferences: 1, maxQueuedRequests: 2 });
  const asis = await url('asis');
  // A large photo keeps each request busy long enough for the others to pile up.
  const big = await sharp(await readFile(fixtureImage('dog-golden-retriever.jpg'))).resize(3000, 2250).jpeg({ quality: 95 }).toBuffer();
  const send = async (): Promise<{ status: number; retryAfter: string | null; code?: string }> => {
    const response = await fetch(`${asis}/predict`, { method: 'POST', body: big, headers: { 'content-type': 'image/jpeg' } });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ...(body.error ? { code: body.error.code } : {}) };
  };
  const answers = await Promise.all(Array.from({ length: 16 }, send));
  const ok = answers.filter((a) => a.status === 200);
  const busy = answers.filter((a) => a.status === 503);
  assert.equal(ok.length + busy.length, answers.length, JSON.stringify(answers));
  assert.ok(ok.length >= 3, `at least the admitted requests are answered: ${JSON.stringify(answers)}`);
  assert.ok(busy.length >= 1, 'some requests found the slot full');
  for (const refused of busy) {
    assert.equal(refused.code, 'BUSY');
    assert.equal(refused.retryAfter, '1');
  }
  assert.equal((await send()).status, 200);
});

test('the control API refuses other origins and never sends CORS headers; its own dashboard origin works', async () => {
  const { host } = await startTestHost();
  const headers = { authorization: `Bearer ${host.controlToken}` };
  const evil = await fetch(`${host.controlUrl}/api/status`, { headers: { ...headers, origin: 'http://evil.example' } });
  assert.equal(evil.status, 403);
  assert.equal(((await evil.json()) as { error: { code: string } }).error.code, 'FORBIDDEN_ORIGIN');
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
  const rebinding = await fetch(`${host.controlUrl}/api/deploy`, { method: 'POST', headers: { ...headers, origin: 'http://127.0.0.1:1', 'content-type': 'application/json' }, body: '{}' });
  assert.equal(rebinding.status, 403, 'a page on another loopback port is another origin');
  const preflight = await fetch(`${host.controlUrl}/api/status`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  assert.equal(preflight.headers.get('access-control-allow-methods'), null);
  const own = await fetch(`${host.controlUrl}/api/status`, { headers: { ...headers, origin: host.controlUrl } });
  assert.equal(own.status, 200);
  assert.equal((await fetch(`${host.controlUrl}/api/status`, { headers })).status, 200, 'the CLI sends no Origin');
});

test('the control API has its own, stricter rate limit', async () => {
  const { host } = await startTestHost({ controlRateLimitPerSecond: 1, controlRateLimitBurst: 3 });
  const headers = { authorization: `Bearer ${host.controlToken}` };
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${host.controlUrl}/api/status`, { headers })).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const limited = await fetch(`${host.controlUrl}/api/status`, { headers });
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.match(((await limited.json()) as { error: { message: string } }).error.message, /control API.*controlRateLimitPerSecond/);
});

test('clients that leave mid-upload or mid-inference give their place back: the slot is never left full', async () => {
  const { url } = await startTestHost({ maxConcurrentInferences: 1, maxQueuedRequests: 1 });
  const asis = await url('asis');
  const port = Number(new URL(asis).port);
  const photo = await readFile(fixtureImage('dog-golden-retriever.jpg'));
  const { connect } = await import('node:net');
  const leave = (bytes: Buffer, afterMs: number): Promise<void> => new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\nContent-Length: ${photo.length}\r\n\r\n`);
      socket.write(bytes);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', () => resolve());
  });
  for (let i = 0; i < 6; i++) {
    await leave(photo.subarray(0, 1000), 20);
    await leave(photo, 1);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${asis}/predict`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } })).status);
  assert.deepEqual(statuses, [200, 200, 200]);
});
