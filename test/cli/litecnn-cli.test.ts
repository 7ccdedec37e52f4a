import assert from 'node:assert/strict';
import { test } from 'node:test';
import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostStatus } from '../../src/shared/host-api.js';
import type { PredictResponse } from '../../src/shared/slot-api.js';
import { exited, isAlive, runCli, startServe } from '../helpers/cli.js';
import { FIXTURE_MODEL, FIXTURE_SYNSET, REPO_ROOT, fixtureImage } from '../helpers/paths.js';
import { eventually } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const dataDir = await tempDir('litecnn-cli-');
const serve = await startServe(dataDir);
const photo = fixtureImage('dog-siberian-husky.jpg');

async function status(): Promise<HostStatus> {
  const result = await runCli(dataDir, ['status', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as HostStatus;
}

test('serve prints both URLs and how to try them', () => {
  const banner = serve.output();
  assert.match(banner, /AS-IS\s+http:\/\/127\.0\.0\.1:\d+/);
  assert.match(banner, /TO-BE\s+http:\/\/127\.0\.0\.1:\d+/);
  assert.match(banner, /curl -X POST http:\/\/127\.0\.0\.1:\d+\/predict -F "image=@photo.jpg"/);
});

test('status shows both slots with their models, as a table and as JSON', async () => {
  const table = await runCli(dataDir, ['status']);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /AS-IS\s+\d+\s+ready\s+mobilenetv2-pets 1\.0\.0/);
  assert.match(table.stdout, /TO-BE\s+\d+\s+ready\s+mobilenetv2-pets 1\.1\.0-exp\.1/);
  const json = await status();
  assert.deepEqual(json.slots.map((s) => [s.slot, s.state]), [['asis', 'ready'], ['tobe', 'ready']]);
  assert.ok(json.slots.every((s) => s.memory!.rssBytes > 0 && s.model!.sha256.length === 64));
});

test('stop and start one slot, as server_manager.sh did, while the other keeps serving', async () => {
  const stopped = await runCli(dataDir, ['stop', 'tobe']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /TO-BE\s+\d+\s+stopped/);
  const asisOnly = await runCli(dataDir, ['predict', photo, '--slot', 'asis']);
  assert.equal(asisOnly.code, 0, asisOnly.stderr);
  const both = await runCli(dataDir, ['predict', photo]);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /TO-BE slot is not serving.*litecnn start tobe/);
  const started = await runCli(dataDir, ['start', '8892']);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /TO-BE\s+\d+\s+ready/);
  const restarted = await runCli(dataDir, ['restart', 'all']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.deepEqual((await status()).slots.map((s) => s.state), ['ready', 'ready']);
  const unknown = await runCli(dataDir, ['stop', 'prod']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown slot "prod"/);
});

test('predict shows both slots\' top classes with Korean and English names', async () => {
  const text = await runCli(dataDir, ['predict', photo, '--top', '3']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /AS-IS\s+mobilenetv2-pets 1\.0\.0/);
  assert.match(text.stdout, /TO-BE\s+mobilenetv2-pets 1\.1\.0-exp\.1/);
  assert.match(text.stdout, /1\.\s+\S.*\d+\.\d+%/);
  const json = JSON.parse((await runCli(dataDir, ['predict', photo, '--json'])).stdout) as Record<string, PredictResponse>;
  assert.equal(json.asis!.model.slot, 'asis');
  assert.equal(json.tobe!.predictions.length, 5);
});

test('compare runs a folder through both slots and reports agreement', async () => {
  const folder = join(await tempDir(), 'test_images');
  await mkdir(folder);
  for (const name of ['cat-persian.jpg', 'dog-golden-retriever.jpg', 'other-banana.jpg']) await copyFile(fixtureImage(name), join(folder, name));
  await writeFile(join(folder, 'notes.txt'), 'not an image, skipped by extension');
  const text = await runCli(dataDir, ['compare', folder]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /cat-persian\.jpg\s+\S+.*\(\d\.\d{4}\)\s+\S+.*\(\d\.\d{4}\)\s+(agree|DIFFER)/);
  assert.match(text.stdout, /agreement: \d\/3/);
  const json = JSON.parse((await runCli(dataDir, ['compare', folder, '--json'])).stdout) as { results: unknown[]; agreement: { images: number; rate: number } };
  assert.equal(json.results.length, 3);
  assert.equal(json.agreement.images, 3);
  const broken = join(folder, 'broken.jpg');
  await writeFile(broken, 'definitely not a jpeg');
  const withError = await runCli(dataDir, ['compare', broken, fixtureImage('cat-persian.jpg')]);
  assert.equal(withError.code, 1);
  assert.match(withError.stdout, /broken\.jpg\s+error: .*not an image/);
  assert.match(withError.stdout, /agreement: \d\/1/);
});

test('inspect validates a bundle and prints its manifest; pack makes one from the real fixture model', async () => {
  const inspected = await runCli(dataDir, ['inspect', join(REPO_ROOT, 'weights', 'model_8892.bin')]);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.match(inspected.stdout, /version\s+1\.1\.0-exp\.1/);
  assert.match(inspected.stdout, /source\s+import \(pretrained MobileNetV2-12 int8 \(ONNX Model Zoo\), trained on ImageNet-1k;.*horizontal-flip/);
  assert.match(inspected.stdout, /licence\s+Apache-2\.0/);
  assert.match(inspected.stdout, /input\s+224x224 NCHW RGB/);
  assert.match(inspected.stdout, /labels\s+123: Chihuahua \/ 치와와/);
  const out = join(await tempDir(), 'mobilenet.bin');
  const preprocess = join(await tempDir(), 'preprocess.json');
  await writeFile(preprocess, JSON.stringify({ width: 224, height: 224, resize: { mode: 'resize-crop', shorterSide: 256 } }));
  const packed = await runCli(dataDir, ['pack', '--onnx', FIXTURE_MODEL, '--labels', FIXTURE_SYNSET, '--preprocess', preprocess, '--name', 'mobilenetv2', '--model-version', '12.0.0', '--run-id', 'zoo-1', '-o', out]);
  assert.equal(packed.code, 0, packed.stderr);
  assert.match(packed.stdout, /1000 labels, sha256 cc028fe6/);
  const manifest = JSON.parse((await runCli(dataDir, ['inspect', out, '--json'])).stdout) as { source: { runId: string }; labels: unknown[] };
  assert.equal(manifest.source.runId, 'zoo-1');
  assert.equal(manifest.labels.length, 1000);
  const bad = await runCli(dataDir, ['inspect', FIXTURE_MODEL]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a LiteCNN model bundle.*litecnn pack.*\[BUNDLE_BAD_MAGIC\]/);
  const noSize = await runCli(dataDir, ['pack', '--onnx', FIXTURE_MODEL, '--labels', FIXTURE_SYNSET, '--name', 'm', '--model-version', '1', '-o', out]);
  assert.equal(noSize.code, 1);
  assert.match(noSize.stderr, /--preprocess FILE, or --size N/);
});

test('logs shows each slot\'s own log file', async () => {
  const logs = await runCli(dataDir, ['logs', 'asis', '-n', '200']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /INFO\s+model loaded and warmed up; ready/);
  assert.match(logs.stdout, /"model":\{"name":"mobilenetv2-pets","version":"1\.0\.0"/);
  assert.doesNotMatch(logs.stdout, /1\.1\.0-exp\.1/, 'only AS-IS lines');
  const raw = await runCli(dataDir, ['logs', '8892', '-n', '1', '--json']);
  assert.equal(JSON.parse(raw.stdout.trim()).component, 'tobe');
});

test('config lists, sets and gets settings, and names an unknown one', async () => {
  const list = await runCli(dataDir, ['config']);
  assert.match(list.stdout, /settings\.json\n[\s\S]*asisPort\s+8891/);
  const set = await runCli(dataDir, ['config', 'set', 'maxUploadBytes', '1048576']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await runCli(dataDir, ['config', 'get', 'maxUploadBytes'])).stdout.trim(), '1048576');
  const unknown = await runCli(dataDir, ['config', 'get', 'colour']);
  assert.match(unknown.stderr, /Unknown setting "colour"/);
});

test('commands without a running host say how to start one', async () => {
  const result = await runCli(await tempDir(), ['status']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /No LiteCNN host is running.*litecnn serve.*\[HOST_NOT_RUNNING\]/);
});

test('SIGTERM stops both slots cleanly and leaves no process or control file behind', async () => {
  const pids = (await status()).slots.map((s) => s.pid!);
  serve.child.kill('SIGTERM');
  assert.equal(await exited(serve.child), 0);
  assert.ok(pids.every((pid) => !isAlive(pid)), 'no orphan slot processes');
  await assert.rejects(access(join(dataDir, 'host.json')), 'host.json removed');
});

test('Ctrl-C (SIGINT) stops cleanly too', async () => {
  const dir = await tempDir();
  const second = await startServe(dir);
  const pids = (JSON.parse((await runCli(dir, ['status', '--json'])).stdout) as HostStatus).slots.map((s) => s.pid!);
  second.child.kill('SIGINT');
  assert.equal(await exited(second.child), 0);
  assert.ok(pids.every((pid) => !isAlive(pid)));
});

test('if the host itself is killed (SIGKILL), its slot processes exit on their own', async () => {
  const dir = await tempDir();
  const third = await startServe(dir);
  const pids = (JSON.parse((await runCli(dir, ['status', '--json'])).stdout) as HostStatus).slots.map((s) => s.pid!);
  third.child.kill('SIGKILL');
  await exited(third.child);
  await eventually(() => assert.ok(pids.every((pid) => !isAlive(pid))), 10_000);
  const stale = await runCli(dir, ['status']);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /does not answer.*litecnn serve/);
});
