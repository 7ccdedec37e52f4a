import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, readdir } from 'node:fs/promises';
import { sha256Hex } from '../../src/main/model/bundle-format.js';
import { join } from 'node:path';
import type { PredictResponse } from '../../src/shared/slot-api.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { fixtureImage } from '../helpers/paths.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { startRequestLoop } from '../helpers/request-loop.js';
import { postMultipart, startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { liteCnnRun, publishRun } from '../helpers/training-runs.js';

const sshd = await startTestSshd();
const { host, dataDir, url } = await startTestHost(gpuSettings(sshd, { historyLimit: 10 }));
const asisFile = slotBundleFile(dataDir, 'asis');
const tobeFile = slotBundleFile(dataDir, 'tobe');
const photo = await readFile(fixtureImage('cat-grey-tabby.jpg'));

async function servedVersion(slot: 'asis' | 'tobe'): Promise<string> {
  const response = await postMultipart(await url(slot), photo);
  return ((await response.json()) as PredictResponse).model.version;
}

test('promote then rollback restores AS-IS byte for byte, with zero failed AS-IS requests', async () => {
  await publishRun(sshd.runsDir, 'run-a', liteCnnRun(21));
  await host.deploy({ trigger: 'cli' });
  const asisOriginal = await readFile(asisFile);
  const tobeBytes = await readFile(tobeFile);
  const loop = await startRequestLoop(() => url('asis'));
  const promoted = await host.promote({ trigger: 'cli' });
  assert.equal(promoted.action, 'promote');
  assert.equal(promoted.slot, 'asis');
  assert.equal(promoted.tag, 'v1.0.0');
  assert.deepEqual(await readFile(asisFile), tobeBytes, 'AS-IS now holds TO-BE\'s bundle');
  assert.equal(await servedVersion('asis'), 'run-a');
  const rolledBack = await host.rollback({ slot: 'asis', trigger: 'cli' });
  const seen = await loop.stop();
  assert.equal(seen.failed, 0, seen.failures.join('\n'));
  assert.deepEqual([...seen.versions].sort(), ['1.0.0', 'run-a'], 'the loop saw both models, never an error');
  assert.equal(rolledBack.action, 'rollback');
  assert.deepEqual(await readFile(asisFile), asisOriginal, 'AS-IS restored byte for byte');
  assert.equal(await servedVersion('asis'), '1.0.0');
  const history = await host.history();
  assert.deepEqual(history.slice(0, 3).map((e) => `${e.action} ${e.slot} ${e.outcome}`), ['rollback asis success', 'promote asis success', 'deploy tobe success']);
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')) as { lastTag: string };
  assert.equal(state.lastTag, 'v1.0.0');
});

test('the next promotion bumps the tag, or takes the one given; a bad tag is refused', async () => {
  const auto = await host.promote({ trigger: 'cli' });
  assert.equal(auto.tag, 'v1.1.0');
  await assert.rejects(host.promote({ trigger: 'cli' }), { code: 'PROMOTE_REFUSED', message: /already serves the same model/ });
  await assert.rejects(host.promote({ trigger: 'cli', tag: 'release-7' }), { code: 'BAD_REQUEST', message: /vMAJOR\.MINOR\.PATCH/ });
  await host.rollback({ slot: 'asis', trigger: 'cli' });
  assert.equal((await host.promote({ trigger: 'cli', tag: 'v2.0.0' })).tag, 'v2.0.0');
  await host.rollback({ slot: 'asis', trigger: 'cli' });
});

test('rolling TO-BE back twice goes two versions back, with zero failed requests; history keeps every step', async () => {
  await publishRun(sshd.runsDir, 'run-b', liteCnnRun(22));
  await host.deploy({ trigger: 'cli' });
  await publishRun(sshd.runsDir, 'run-c', liteCnnRun(23));
  await host.deploy({ trigger: 'cli' });
  assert.equal(await servedVersion('tobe'), 'run-c');
  const loop = await startRequestLoop(() => url('tobe'));
  await host.rollback({ slot: 'tobe', trigger: 'cli' });
  assert.equal(await servedVersion('tobe'), 'run-b');
  await host.rollback({ slot: 'tobe', trigger: 'cli' });
  assert.equal(await servedVersion('tobe'), 'run-a');
  await host.rollback({ slot: 'tobe', trigger: 'cli' });
  assert.equal(await servedVersion('tobe'), '1.1.0-exp.1', 'back to the bundled TO-BE');
  const seen = await loop.stop();
  assert.equal(seen.failed, 0, seen.failures.join('\n'));
  await assert.rejects(host.rollback({ slot: 'tobe', trigger: 'cli' }), { code: 'ROLLBACK_NO_TARGET', message: /no earlier version/ });
  const named = await host.rollback({ slot: 'tobe', to: 'run-c', trigger: 'cli' });
  assert.equal(named.to?.version, 'run-c');
  assert.equal(await servedVersion('tobe'), 'run-c');
  await assert.rejects(host.rollback({ slot: 'tobe', to: 'no-such-version', trigger: 'cli' }), { code: 'ROLLBACK_NO_TARGET', message: /never served/ });
  const rollbacks = (await host.history()).filter((e) => e.slot === 'tobe' && e.action === 'rollback' && e.outcome === 'success');
  assert.equal(rollbacks.length, 4);
});

test('the watcher does not redeploy a run the user rolled back from', async () => {
  await host.rollback({ slot: 'tobe', to: 'run-b', trigger: 'cli' });
  const result = await host.deploy({ trigger: 'api' });
  assert.equal(result.outcome, 'up-to-date', 'run-c is the last deployed run');
  assert.equal(await servedVersion('tobe'), 'run-b');
});

test('deploy, promote and rollback asked at once run one after another, never interleaved', async () => {
  await publishRun(sshd.runsDir, 'run-d', liteCnnRun(24));
  const [deployed, promoted, rolledBack] = await Promise.all([
    host.deploy({ trigger: 'cli' }),
    host.promote({ trigger: 'app' }),
    host.rollback({ slot: 'asis', trigger: 'api' }),
  ]);
  assert.equal(deployed.outcome, 'deployed');
  assert.equal(promoted.to?.version, 'run-d', 'promote ran after the deploy finished');
  assert.equal(rolledBack.to?.bundleSha256, promoted.from?.bundleSha256, 'rollback ran after the promote');
  const [last, middle, first] = await host.history();
  assert.deepEqual([first!.action, middle!.action, last!.action], ['deploy', 'promote', 'rollback']);
  assert.ok(first!.time <= middle!.time && middle!.time <= last!.time);
});

test('promote is refused while TO-BE is not serving', async () => {
  await host.act('tobe', 'stop');
  try {
    await assert.rejects(host.promote({ trigger: 'cli' }), { code: 'PROMOTE_REFUSED', message: /TO-BE is not ready/ });
  } finally {
    await host.act('tobe', 'start');
  }
});

test('only the last historyLimit replaced versions are kept on disk; history itself keeps everything', async () => {
  const archived = async (): Promise<string[]> => (await readdir(join(dataDir, 'weights', 'history'))).filter((name) => name.endsWith('.bin')).map((name) => name.slice(0, 64));
  assert.ok((await archived()).length >= 6, 'every version so far is kept with the default limit');
  host.settings.historyLimit = 2;
  await publishRun(sshd.runsDir, 'run-e', liteCnnRun(25));
  const { entry } = await host.deploy({ trigger: 'cli' });
  const kept = await archived();
  const serving = [sha256Hex(await readFile(asisFile)), sha256Hex(await readFile(tobeFile))];
  const expected = new Set([entry!.to!.bundleSha256, entry!.from!.bundleSha256, ...serving]);
  assert.deepEqual(new Set(kept), expected, 'the two newest versions plus what the slots serve');
  assert.ok((await host.history()).length >= 15, 'history keeps every entry');
});
