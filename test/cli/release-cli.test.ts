import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry, WatchStatus } from '../../src/shared/release-api.js';
import { exited, runCli, startServe } from '../helpers/cli.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { liteCnnRun, publishRun } from '../helpers/training-runs.js';

const sshd = await startTestSshd();
await publishRun(sshd.runsDir, 'exp-001', { ...liteCnnRun(41), metrics: { val_accuracy: 0.91, epoch: 30 } });
const dataDir = await tempDir('litecnn-release-cli-');
for (const [key, value] of Object.entries(gpuSettings(sshd, { gpuHostKeyFingerprint: '' }))) {
  assert.equal((await runCli(dataDir, ['config', 'set', key, String(value)])).code, 0);
}
const serve = await startServe(dataDir);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(dataDir, args);
}

test('an unpinned GPU server is refused until its key is trusted; gpu trust pins only the key it was told', async () => {
  const refused = await cli('gpu', 'test');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /no GPU host key is pinned yet.*\[GPU_HOST_KEY_UNPINNED\]/);
  const wrong = await cli('gpu', 'trust', '--fingerprint', `SHA256:${'C'.repeat(43)}`);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Nothing was pinned/);
  const notConfirmed = await cli('gpu', 'trust');
  assert.equal(notConfirmed.code, 1, 'without a terminal to confirm on, nothing is pinned');
  assert.match(notConfirmed.stdout, new RegExp(`presents host key\\n  ${sshd.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}`));
  const trusted = await cli('gpu', 'trust', '--fingerprint', sshd.hostKeyFingerprint);
  assert.equal(trusted.code, 0, trusted.stderr);
  const settings = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as { gpuHostKeyFingerprint: string };
  assert.equal(settings.gpuHostKeyFingerprint, sshd.hostKeyFingerprint, 'saved in settings');
  const check = await cli('gpu', 'test');
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /newest run\s+exp-001, finished .*"val_accuracy":0\.91/);
});

test('deploy shows its steps and progress, then history lists it', async () => {
  const dry = await cli('deploy', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Would deploy run exp-001/);
  const deploy = await cli('deploy');
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(deploy.stdout, /Deployed run exp-001 to TO-BE/);
  for (const step of ['connect', 'download model.onnx', 'verify', 'validate', 'install', 'swap']) assert.match(deploy.stderr, new RegExp(`deploy tobe: ${step}`));
  assert.match((await cli('deploy')).stdout, /already deployed; nothing to do/);
  const history = await cli('history');
  assert.match(history.stdout, /deploy\s+TO-BE\s+exp-001\s+[0-9a-f]{8}\s+exp-001\s+cli\s+success/);
  const traversal = await cli('deploy', '--run', '../../etc');
  assert.equal(traversal.code, 1);
  assert.match(traversal.stderr, /not a valid run id.*\[RUN_ID_INVALID\]/);
});

test('promote with a tag, then roll AS-IS back, from the command line', async () => {
  const promote = await cli('promote', '--tag', 'v3.0.0');
  assert.equal(promote.code, 0, promote.stderr);
  assert.match(promote.stdout, /promote AS-IS exp-001 .*replacing 1\.0\.0 tagged v3\.0\.0 success/);
  const rollback = await cli('rollback', 'asis');
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /rollback AS-IS 1\.0\.0 .*replacing exp-001 success/);
  const toNamed = await cli('rollback', 'tobe', '--to', '1.1.0-exp.1');
  assert.equal(toNamed.code, 0, toNamed.stderr);
  const unknown = await cli('rollback', 'prod');
  assert.match(unknown.stderr, /Unknown slot "prod"; use asis or tobe/);
  const entries = JSON.parse((await cli('history', '--json')).stdout) as HistoryEntry[];
  assert.deepEqual(entries.slice(0, 4).map((e) => `${e.action}:${e.slot}`), ['rollback:tobe', 'rollback:asis', 'promote:asis', 'deploy:tobe']);
});

test('watch shows the watcher and turns auto-deploy on and off, saved in settings', async () => {
  const off = JSON.parse((await cli('watch', '--json')).stdout) as WatchStatus;
  assert.equal(off.enabled, false);
  assert.equal(off.configured, true);
  assert.equal(off.intervalMinutes, 30);
  const on = await cli('watch', 'on');
  assert.match(on.stdout, /auto-deploy: on\ninterval:\s+every 30 minutes[\s\S]*next check:\s+\d{4}-/);
  assert.equal(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')).autoDeploy, true);
  assert.match((await cli('watch', 'off')).stdout, /auto-deploy: off/);
  assert.equal(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')).autoDeploy, false);
  assert.match((await cli('watch', 'sometimes')).stderr, /use status, on or off/);
});

test('the host stops cleanly after all of it', async () => {
  serve.child.kill('SIGTERM');
  assert.equal(await exited(serve.child), 0);
});
