import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Host } from '../../src/main/host/host.js';
import { generateSelfSignedCertificate } from '../../src/main/security/self-signed-cert.js';
import { checkSlotExposure, isLoopbackAddress } from '../../src/main/security/slot-exposure.js';
import { generateToken, tokenSha256 } from '../../src/main/security/tokens.js';
import { DEFAULT_SETTINGS } from '../../src/main/settings/settings-schema.js';
import { forkSlotLauncher } from '../../src/main/slot/slot-launcher.js';
import type { PredictResponse } from '../../src/shared/slot-api.js';
import { fixtureImage } from '../helpers/paths.js';
import { postMultipart, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const photo = await readFile(fixtureImage('dog-golden-retriever.jpg'));

async function predictWith(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/predict`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg', ...headers } });
}

test('a slot with a token answers 401 without it or with a wrong one, 200 with it; probes stay open; the other slot needs none', async () => {
  const token = generateToken();
  const { host, url } = await startTestHost({ asisTokenSha256: tokenSha256(token) });
  const asis = await url('asis');
  const missing = await predictWith(asis, {});
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  assert.match(((await missing.json()) as { error: { message: string } }).error.message, /token is required.*Authorization: Bearer/);
  const wrong = await predictWith(asis, { authorization: `Bearer ${generateToken()}` });
  assert.equal(wrong.status, 401);
  assert.match(((await wrong.json()) as { error: { message: string } }).error.message, /Wrong API token/);
  assert.equal((await predictWith(asis, { authorization: `Bearer ${token}` })).status, 200);
  assert.equal((await fetch(`${asis}/metrics`)).status, 401);
  assert.equal((await fetch(`${asis}/healthz`)).status, 200);
  assert.equal((await fetch(`${asis}/readyz`)).status, 200);
  assert.equal((await predictWith(await url('tobe'), {})).status, 200);
  const status = await host.status();
  assert.deepEqual(status.slots.map((s) => s.tokenRequired), [true, false]);
  // The host's own compare keeps working: it uses its per-launch slot token.
  const compared = await host.compare(photo);
  assert.ok('predictions' in compared.asis && 'predictions' in compared.tobe, JSON.stringify(compared));
});

test('a slot with a TLS certificate serves HTTPS with it, refuses plain HTTP, and compare pins its certificate', async () => {
  const dir = await tempDir();
  const generated = await generateSelfSignedCertificate(join(dir, 'tls'));
  assert.equal((await stat(generated.keyFile)).mode & 0o777, 0o600);
  const { host, url } = await startTestHost({ tobeTlsCert: generated.certFile, tobeTlsKey: generated.keyFile });
  const tobe = await url('tobe');
  assert.match(tobe, /^https:\/\/127\.0\.0\.1:\d+$/);
  const status = await host.slots.tobe.status();
  assert.equal(status.tlsFingerprint256, generated.fingerprint256);
  const ca = await readFile(generated.certFile);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpsRequest(`${tobe}/predict`, { method: 'POST', ca, headers: { 'content-type': 'image/jpeg', 'content-length': photo.length } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end(photo);
  });
  assert.equal(answer.status, 200, answer.body);
  assert.equal((JSON.parse(answer.body) as PredictResponse).model.slot, 'tobe');
  const plain = await fetch(tobe.replace('https:', 'http:') + '/healthz').then((r) => r.status, (error: Error) => error.message);
  assert.notEqual(plain, 200, 'plain HTTP to the TLS port gets no answer');
  const compared = await host.compare(photo);
  assert.ok('predictions' in compared.tobe, JSON.stringify(compared.tobe));
});

test('a slot refuses to start beyond loopback without a token; settings changes that would do so are refused too', async () => {
  const dataDir = await tempDir();
  const host = new Host({ dataDir, settings: { ...DEFAULT_SETTINGS, host: '0.0.0.0', asisPort: 0, tobePort: 0, controlPort: 0 }, launcher: forkSlotLauncher });
  await assert.rejects(host.start(), { code: 'INSECURE_SETTINGS', message: /0\.0\.0\.0.*without an API token.*litecnn token rotate --slot asis/ });
  await host.stop();
  const { host: running } = await startTestHost();
  assert.throws(() => running.updateSettings({ tobeHost: '0.0.0.0' }), { code: 'INSECURE_SETTINGS', message: /TO-BE would listen on 0\.0\.0\.0/ });
  assert.equal(running.settings.tobeHost, '', 'nothing was changed');
  assert.throws(() => running.updateSettings({ asisTlsCert: '/some/cert.pem' }), { code: 'INSECURE_SETTINGS', message: /certificate but no key/ });
  assert.doesNotThrow(() => checkSlotExposure({ ...DEFAULT_SETTINGS, host: '0.0.0.0', asisTokenSha256: tokenSha256('a'), tobeTokenSha256: tokenSha256('b') }));
  assert.doesNotThrow(() => checkSlotExposure({ ...DEFAULT_SETTINGS, asisHost: '::1', tobeHost: 'localhost' }));
  for (const address of ['127.0.0.1', '127.3.4.5', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(address), address);
  for (const address of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '']) assert.ok(!isLoopbackAddress(address), address);
});

test('unreadable or mismatched TLS files fail the slot start with a clear error', async () => {
  const dir = await tempDir();
  const first = await generateSelfSignedCertificate(join(dir, 'a'));
  const second = await generateSelfSignedCertificate(join(dir, 'b'));
  const { host } = await startTestHost({ asisTlsCert: first.certFile, asisTlsKey: second.keyFile, tobeTlsCert: join(dir, 'missing.pem'), tobeTlsKey: second.keyFile });
  const status = await host.status();
  assert.equal(status.slots[0]!.state, 'failed');
  assert.equal(status.slots[0]!.error?.code, 'TLS_FILES_INVALID');
  assert.match(status.slots[0]!.error?.message ?? '', /is not the private key of/);
  assert.equal(status.slots[1]!.error?.code, 'TLS_FILES_INVALID');
  assert.match(status.slots[1]!.error?.message ?? '', /missing\.pem cannot be read/);
});

test('each client gets a token bucket: past the burst, 429 with Retry-After; tokens come back with time', async () => {
  const { url } = await startTestHost({ rateLimitPerSecond: 2, rateLimitBurst: 3 });
  const asis = await url('asis');
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${asis}/healthz`)).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  const limited = await fetch(`${asis}/healthz`);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.match(((await limited.json()) as { error: { code: string; message: string } }).error.message, /at most 2 per second.*Retry after 1 s/);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  assert.equal((await postMultipart(asis, photo)).status, 200);
});
