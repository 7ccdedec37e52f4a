import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry } from '../../src/shared/release-api.js';
import type { HostStatus } from '../../src/shared/host-api.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { openSettings } from '../../src/main/settings/settings-store.js';
import type { SettingKey, Settings } from '../../src/main/settings/settings-schema.js';
import { decodeBundle, sha256Hex } from '../../src/main/model/bundle-format.js';
import { exited, runCli, startServe } from './cli.js';
import { gpuSettings } from './gpu-host.js';
import { startTestSshd, type TestSshd } from './sshd.js';
import { tempDir } from './temp-dir.js';
import { liteCnnRun, publishRun } from './training-runs.js';
import { REPO_ROOT } from './paths.js';

/**
 * The crash tests (test/release/crash-recovery-*.test.ts): a `litecnn serve` host SIGKILLs itself
 * at an exact release step (LITECNN_FAULT_POINT); after a restart, each weights file must be the
 * old or the new one, whole, and state and history must agree with it. Split over several files
 * so that they run side by side.
 */
export interface CrashBench {
  sshd: TestSshd;
  bundledAsis: Buffer;
  bundledTobe: Buffer;
}

/** A real sshd with one published run, and the bundled weights to compare against. */
export async function startCrashBench(): Promise<CrashBench> {
  const sshd = await startTestSshd();
  await publishRun(sshd.runsDir, 'run-crash', liteCnnRun(31));
  return {
    sshd,
    bundledTobe: await readFile(join(REPO_ROOT, 'weights', 'model_8892.bin')),
    bundledAsis: await readFile(join(REPO_ROOT, 'weights', 'model_8891.bin')),
  };
}

/**
 * A data dir configured to use the test sshd, written through the settings store `litecnn config
 * set` uses (config-cli.test.ts runs that command; here eight runs of it cost each case 3 s).
 */
export async function configuredDataDir(sshd: TestSshd): Promise<string> {
  const dataDir = await tempDir('litecnn-crash-');
  const settings = openSettings(dataDir);
  for (const [key, value] of Object.entries(gpuSettings(sshd)) as [SettingKey, Settings[SettingKey]][]) settings.set(key, value);
  return dataDir;
}

async function historyOf(dataDir: string): Promise<HistoryEntry[]> {
  return JSON.parse((await runCli(dataDir, ['history', '--json'])).stdout) as HistoryEntry[];
}

/** Each weights file is one of the two versions, whole; state and history agree with it. */
export async function assertConsistent(dataDir: string, slot: 'asis' | 'tobe', before: Buffer, action: string): Promise<'old' | 'new'> {
  const bytes = await readFile(slotBundleFile(dataDir, slot));
  decodeBundle(bytes, slot);
  const history = await historyOf(dataDir);
  const success = history.find((e) => e.action === action && e.outcome === 'success');
  const state = JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8').catch(() => '{}')) as { lastDeploy?: { bundleSha256: string } | null; lastTag?: string | null };
  const status = JSON.parse((await runCli(dataDir, ['status', '--json'])).stdout) as HostStatus;
  const served = status.slots.find((s) => s.slot === slot)!.model!;
  assert.equal(served.sha256, decodeBundle(bytes, slot).manifest.onnx.sha256, 'the slot serves what is on disk');
  if (bytes.equals(before)) {
    assert.equal(success, undefined, 'no success recorded for a change that did not happen');
    if (action === 'deploy') assert.ok(!state.lastDeploy, 'state does not claim the deploy');
    return 'old';
  }
  assert.ok(success, `history records the ${action} that is on disk`);
  assert.equal(success.to!.bundleSha256, sha256Hex(bytes));
  if (action === 'deploy') assert.equal(state.lastDeploy?.bundleSha256, sha256Hex(bytes), 'state agrees with the file');
  if (action === 'promote') assert.equal(state.lastTag, success.tag);
  return 'new';
}

/** Where the deploy's host kills itself, and which file TO-BE must hold after the restart. */
export type DeployCrashPoint = 'journal-written' | 'bundle-written' | 'swapped' | 'state-written';

/** The host SIGKILLed during a deploy at `point`: after a restart TO-BE holds `expected`, AS-IS is untouched, and the next deploy works. */
export async function checkDeployCrash(bench: CrashBench, point: DeployCrashPoint, expected: 'old' | 'new'): Promise<void> {
  const dataDir = await configuredDataDir(bench.sshd);
  const doomed = await startServe(dataDir, [], { LITECNN_FAULT_POINT: point });
  const deploy = await runCli(dataDir, ['deploy']);
  assert.equal(deploy.code, 1, 'the deploy did not report success');
  await exited(doomed.child);
  assert.equal(doomed.child.signalCode, 'SIGKILL');
  const again = await startServe(dataDir);
  assert.equal(await assertConsistent(dataDir, 'tobe', bench.bundledTobe, 'deploy'), expected);
  assert.deepEqual(await readFile(slotBundleFile(dataDir, 'asis')), bench.bundledAsis, 'AS-IS never touched');
  const [latest] = await historyOf(dataDir);
  assert.equal(latest!.recovered, true, 'the interrupted operation was recorded at restart');
  assert.equal((await runCli(dataDir, ['deploy'])).code, 0, 'the next deploy works');
  again.child.kill('SIGTERM');
  await exited(again.child);
}
