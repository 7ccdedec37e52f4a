import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostEvent } from '../../src/shared/host-api.js';
import type { PredictResponse } from '../../src/shared/slot-api.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { fixtureImage } from '../helpers/paths.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { startRequestLoop } from '../helpers/request-loop.js';
import { eventually, postMultipart, startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { bundledRun, liteCnnRun, publishRun } from '../helpers/training-runs.js';

const sshd = await startTestSshd();
/** The watcher's first check after it is switched on (10 s in the app): the watcher test waits for it. */
const WATCHER_FIRST_CHECK_DELAY_MS = 500;
const { host, dataDir, url } = await startTestHost(gpuSettings(sshd), undefined, { watcherFirstCheckDelayMs: WATCHER_FIRST_CHECK_DELAY_MS });
const photo = await readFile(fixtureImage('dog-golden-retriever.jpg'));
const asisFile = slotBundleFile(dataDir, 'asis');
const tobeFile = slotBundleFile(dataDir, 'tobe');

async function answer(slot: 'asis' | 'tobe'): Promise<PredictResponse> {
  const response = await postMultipart(await url(slot), photo);
  assert.equal(response.status, 200);
  return (await response.json()) as PredictResponse;
}

async function deployFails(code: string, step: string, runId?: string): Promise<void> {
  const tobeBefore = await readFile(tobeFile);
  const asisBefore = await readFile(asisFile);
  const servedBefore = (await answer('tobe')).model;
  await assert.rejects(host.deploy({ trigger: 'cli', ...(runId ? { runId } : {}) }), (error: Error & { code?: string; step?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.equal(error.step, step);
    assert.match(error.message, new RegExp(`step "${step}"`));
    return true;
  });
  assert.deepEqual(await readFile(tobeFile), tobeBefore, 'TO-BE weights unchanged');
  assert.deepEqual(await readFile(asisFile), asisBefore, 'AS-IS weights unchanged');
  assert.deepEqual((await answer('tobe')).model, servedBefore, 'TO-BE still serves the old model');
  assert.deepEqual(await readdir(join(dataDir, 'staging')).catch(() => []), [], 'staging cleaned');
  const [latest] = await host.history();
  assert.equal(latest!.outcome, 'failed');
  assert.equal(latest!.error?.step, step);
}

test('a new complete run is deployed to TO-BE with zero failed requests; AS-IS is untouched', async () => {
  await publishRun(sshd.runsDir, 'run-001', await bundledRun());
  const asisBytes = await readFile(asisFile);
  const asisAnswer = await answer('asis');
  const events: HostEvent[] = [];
  host.on('event', (event: HostEvent) => events.push(event));
  const loop = await startRequestLoop(() => url('tobe'));
  const result = await host.deploy({ trigger: 'cli' });
  const seen = await loop.stop();
  assert.equal(result.outcome, 'deployed');
  assert.equal(result.run?.id, 'run-001');
  assert.equal(seen.failed, 0, seen.failures.join('\n'));
  assert.ok(seen.ok > 0);
  const tobe = await answer('tobe');
  assert.equal(tobe.model.version, 'run-001');
  assert.equal(tobe.model.sha256, result.entry!.to!.sha256);
  assert.deepEqual(await readFile(asisFile), asisBytes, 'AS-IS bytes unchanged');
  assert.deepEqual((await answer('asis')).predictions, asisAnswer.predictions, 'AS-IS answers unchanged');
  const steps = events.flatMap((e) => (e.type === 'progress' && e.data ? [e.data.step] : []));
  for (const step of ['connect', 'find-run', 'identify', 'download', 'verify', 'pack', 'validate', 'archive', 'install', 'swap', 'record']) assert.ok(steps.includes(step as never), `progress for ${step}`);
  assert.ok(events.some((e) => e.type === 'progress' && e.data?.step === 'download' && e.data.percent === 100));
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')) as { lastDeploy: { runId: string; sha256: string } };
  assert.equal(state.lastDeploy.runId, 'run-001');
  const [entry] = await host.history();
  assert.equal(entry!.action, 'deploy');
  assert.equal(entry!.trigger, 'cli');
  assert.equal(entry!.to!.runId, 'run-001');
  assert.equal(entry!.from!.version, '1.1.0-exp.1');
  const archived = await readdir(join(dataDir, 'weights', 'history'));
  assert.ok(archived.includes(`${entry!.from!.bundleSha256}.bin`), 'the replaced TO-BE bundle is kept in weights/history');
});

test('the same run again is nothing to do; a newer run without DONE is ignored', async () => {
  const before = await readFile(tobeFile);
  const historyBefore = (await host.history()).length;
  assert.equal((await host.deploy({ trigger: 'cli' })).outcome, 'up-to-date');
  await publishRun(sshd.runsDir, 'run-002-training', liteCnnRun(2), { done: false });
  const again = await host.deploy({ trigger: 'cli' });
  assert.equal(again.outcome, 'up-to-date');
  assert.equal(again.run?.id, 'run-001');
  assert.deepEqual(await readFile(tobeFile), before);
  assert.equal((await host.history()).length, historyBefore, 'nothing recorded for a no-op');
  await assert.rejects(host.deploy({ trigger: 'cli', runId: 'run-002-training' }), { code: 'RUN_NOT_FOUND', message: /no DONE file yet/ });
});

test('a dry run names the run it would deploy and changes nothing', async () => {
  await publishRun(sshd.runsDir, 'run-003', liteCnnRun(3));
  const before = await readFile(tobeFile);
  const dry = await host.deploy({ trigger: 'cli', dryRun: true });
  assert.equal(dry.outcome, 'dry-run');
  assert.equal(dry.run?.id, 'run-003');
  assert.match(dry.message, /Would deploy run run-003/);
  assert.deepEqual(await readFile(tobeFile), before);
});

test('a corrupt model.onnx is rejected at validation and nothing changes', async () => {
  await publishRun(sshd.runsDir, 'run-004-corrupt', { ...liteCnnRun(4), onnx: Buffer.from('this is not an onnx protobuf') });
  await deployFails('MODEL_LOAD_FAILED', 'validate');
});

test('labels that do not match the model output are rejected', async () => {
  const run = liteCnnRun(5);
  await publishRun(sshd.runsDir, 'run-005-labels', { ...run, labels: (run.labels as object[]).slice(0, 30) as never });
  await deployFails('MODEL_OUTPUT_MISMATCH', 'validate');
});

test('a bad preprocess.json is rejected at packing', async () => {
  await publishRun(sshd.runsDir, 'run-006-preprocess', { ...liteCnnRun(6), preprocess: '{"width": "wide"}' });
  await deployFails('BUNDLE_MANIFEST_INVALID', 'pack');
});

test('a preprocess.json whose size disagrees with the model is rejected', async () => {
  await publishRun(sshd.runsDir, 'run-007-size', { ...liteCnnRun(7), preprocess: { width: 128, height: 128 } });
  await deployFails('MODEL_INPUT_MISMATCH', 'validate');
});

test('a download that differs from the hash the server reported is rejected', async () => {
  await publishRun(sshd.runsDir, 'run-008', liteCnnRun(8));
  await sshd.fakeRemoteSha256('0'.repeat(64));
  try {
    await deployFails('DEPLOY_HASH_MISMATCH', 'verify');
  } finally {
    await sshd.fakeRemoteSha256(null);
  }
  const ok = await host.deploy({ trigger: 'cli' });
  assert.equal(ok.outcome, 'deployed');
  assert.equal((await answer('tobe')).model.version, 'run-008');
});

test('run ids that try to leave the runs folder are refused; odd folder names are skipped', async () => {
  for (const runId of ['../etc', 'a/b', '..', '.hidden', 'x'.repeat(200), 'run;rm -rf ~']) {
    await assert.rejects(host.deploy({ trigger: 'cli', runId }), { code: 'RUN_ID_INVALID' }, runId);
  }
  const odd = join(sshd.runsDir, 'run 009; touch pwned');
  await publishRun(sshd.runsDir, 'run 009; touch pwned', liteCnnRun(9), { done: false });
  await writeFile(join(odd, 'DONE'), '');
  const check = await host.gpuCheck();
  assert.equal(check.newestRun?.id, 'run-008', 'a folder whose name is not a safe run id is never a candidate');
});

test('the watcher deploys a new run on its own, recorded as triggered by the watcher', async () => {
  await publishRun(sshd.runsDir, 'run-010', liteCnnRun(10));
  host.settings.pollIntervalMinutes = 0.05;
  const deployed = new Promise<void>((resolve) => host.on('event', (event: HostEvent) => {
    if (event.type === 'history' && event.data.to?.runId === 'run-010' && event.data.outcome === 'success') resolve();
  }));
  const status = host.setWatch(true);
  assert.equal(status.enabled, true);
  assert.ok(status.nextCheckAt, 'a check is scheduled');
  await deployed;
  host.setWatch(false);
  const [entry] = await host.history();
  assert.equal(entry!.trigger, 'watcher');
  assert.equal((await answer('tobe')).model.version, 'run-010');
  // The history entry is written before the check ends (the release still prunes weights/history).
  const watch = await eventually(() => {
    const status = host.watchStatus();
    assert.equal(status.lastCheck?.outcome, 'deployed');
    return status;
  });
  assert.equal(watch.enabled, false);
  assert.equal(watch.nextCheckAt, null);
});
