import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { HostStatus } from '../../src/shared/host-api.js';
import { runCli, startServe } from '../helpers/cli.js';
import { fixtureImage } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const photo = fixtureImage('dog-golden-retriever.jpg');

async function status(dataDir: string): Promise<HostStatus> {
  const { stdout } = await runCli(dataDir, ['status', '--json']);
  return JSON.parse(stdout) as HostStatus;
}

test('token rotate on a running host: the slot restarts requiring the printed token; the CLI still predicts; clear removes it', async () => {
  const dataDir = await tempDir();
  await startServe(dataDir);
  const rotated = await runCli(dataDir, ['token', 'rotate', '--slot', 'asis', '--json']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const { token, applied } = JSON.parse(rotated.stdout) as { token: string; applied: string };
  assert.equal(applied, 'restarted');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const settings = await readFile(join(dataDir, 'settings.json'), 'utf8');
  assert.ok(!settings.includes(token), 'the token itself is never stored');
  assert.match(settings, /"asisTokenSha256": "[0-9a-f]{64}"/);
  const asis = (await status(dataDir)).slots[0]!;
  assert.equal(asis.tokenRequired, true);
  const bytes = await readFile(photo);
  const post = (headers: Record<string, string>, url = asis.url): Promise<number> => fetch(`${url}/predict`, { method: 'POST', body: bytes, headers: { 'content-type': 'image/jpeg', ...headers } }).then((r) => r.status);
  assert.equal(await post({}), 401);
  assert.equal(await post({ authorization: `Bearer ${token}` }), 200);
  const predicted = await runCli(dataDir, ['predict', photo, '--json']);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.ok((JSON.parse(predicted.stdout) as { asis: { predictions: unknown[] } }).asis.predictions.length > 0);
  const cleared = await runCli(dataDir, ['token', 'clear', '--slot', 'asis']);
  assert.equal(cleared.code, 0, cleared.stderr);
  const after = (await status(dataDir)).slots[0]!;
  assert.equal(after.tokenRequired, false);
  assert.equal(await post({}, after.url), 200);
});

test('token rotate without a running host saves the hash for the next serve; a bad slot name is a clear error', async () => {
  const dataDir = await tempDir();
  const rotated = await runCli(dataDir, ['token', 'rotate', '--slot', 'to-be']);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, /New TO-BE token[\s\S]*Authorization: Bearer [A-Za-z0-9_-]{43}[\s\S]*applies when `litecnn serve` next starts/);
  assert.match((await runCli(dataDir, ['config', 'get', 'tobeTokenSha256'])).stdout, /"[0-9a-f]{64}"/);
  const bad = await runCli(dataDir, ['token', 'rotate', '--slot', 'prod']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Unknown slot "prod"; use asis or tobe/);
});

test('serve refuses to listen beyond loopback without a token, naming the command that makes one', async () => {
  const dataDir = await tempDir();
  const refused = await runCli(dataDir, ['serve', '--host', '0.0.0.0', '--asis-port', '0', '--tobe-port', '0', '--control-port', '0']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /would listen on 0\.0\.0\.0, beyond this machine, without an API token.*litecnn token rotate --slot asis.*\[INSECURE_SETTINGS\]/);
});

test('tls generate writes a certificate and a private key (0600) that a slot then serves HTTPS with', async () => {
  const dataDir = await tempDir();
  const out = join(dataDir, 'tls');
  const generated = await runCli(dataDir, ['tls', 'generate', '--out', out, '--name', 'gpu-box.internal', '--json']);
  assert.equal(generated.code, 0, generated.stderr);
  const { certFile, keyFile, fingerprint256 } = JSON.parse(generated.stdout) as { certFile: string; keyFile: string; fingerprint256: string };
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
  const certificate = new X509Certificate(await readFile(certFile));
  assert.equal(certificate.fingerprint256, fingerprint256);
  assert.match(certificate.subjectAltName ?? '', /DNS:localhost.*IP Address:127\.0\.0\.1.*DNS:gpu-box\.internal/);
  assert.ok(certificate.checkHost('localhost'));
  assert.equal(certificate.checkIP('127.0.0.1'), '127.0.0.1');
  for (const [key, value] of [['tobeTlsCert', certFile], ['tobeTlsKey', keyFile]]) assert.equal((await runCli(dataDir, ['config', 'set', key!, value!])).code, 0);
  await startServe(dataDir);
  const tobe = (await status(dataDir)).slots[1]!;
  assert.match(tobe.url ?? '', /^https:/);
  assert.equal(tobe.tlsFingerprint256, fingerprint256);
  const predicted = await runCli(dataDir, ['predict', photo, '--slot', 'tobe', '--json']);
  assert.equal(predicted.code, 0, predicted.stderr);
});
