import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostEvent, HostStatus } from '../../src/shared/host-api.js';
import type { DeployStep, HistoryEntry, ReleaseStep } from '../../src/shared/release-api.js';
import type { SlotId } from '../../src/shared/slot-api.js';
import { ControlClient } from '../../src/main/control/control-client.js';
import type { Host } from '../../src/main/host/host.js';
import { seededRandom, type SeededRandom } from '../../scripts/lite-cnn/seeded-random.js';
import { exited, startServe } from '../helpers/cli.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { mountReadOnly, mountTmpfs, mountingUnavailable } from '../helpers/mounts.js';
import { assertOperationConsistent, assertWeightsWhole, readReleaseState, slotBundleSha } from '../helpers/release-consistency.js';
import { recordFigures, type ReleaseFaultFigures } from '../helpers/reliability-figures.js';
import { startRequestLoop, type LoopResult } from '../helpers/request-loop.js';
import { eventually, startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { liteCnnRun, publishRun } from '../helpers/training-runs.js';

/** Seeds the moments at which the crash tests kill a process; change it to try other moments. */
const KILL_SEED = 20251126;
/** About 15.8 MB of ONNX, the size of a real LiteCNN export (as the release benchmark uses). */
const LARGE_WIDTHS = [64, 128, 256, 512, 1024, 1024, 1024, 1024];

/** Requests each loop keeps in flight: one per slot leaves the two-core machine room for the release itself. */
const LOOP_CONCURRENCY = 1;
/**
 * Each loop waits this long after each answer: a slot still sees a request every 15-25 ms through
 * each fault, but the two loops no longer keep both cores busy (this file's CPU: 93 s -> 69 s).
 */
const LOOP_PAUSE_MS = 10;

const sshd = await startTestSshd();
const figures: ReleaseFaultFigures = { faults: [] };
after(() => recordFigures('release-faults', figures));

type TestHost = Awaited<ReturnType<typeof startTestHost>>;

/**
 * When to kill in round `round` (from 0) of `rounds`: the rounds share [0, spanMs) evenly, and
 * each kills at a seeded point of its share, so the moments are reproducible and spread out.
 */
function killMoment(random: SeededRandom, round: number, rounds: number, spanMs: number): number {
  return Math.round(((round + random.uniform()) / rounds) * spanMs);
}

/** Request loops on both slots, stopped together; both must see zero failures. */
/** Request loops on both slots; the returned stop first waits, where given, for a slot's loop to be answered by a version. */
async function loopsOnBothSlots(url: TestHost['url']): Promise<(answeredBy?: Partial<Record<SlotId, string>>) => Promise<Record<SlotId, LoopResult>>> {
  const asis = await startRequestLoop(() => url('asis'), LOOP_CONCURRENCY, LOOP_PAUSE_MS);
  const tobe = await startRequestLoop(() => url('tobe'), LOOP_CONCURRENCY, LOOP_PAUSE_MS);
  return async (answeredBy = {}) => {
    try {
      if (answeredBy.asis) await asis.answeredBy(answeredBy.asis);
      if (answeredBy.tobe) await tobe.answeredBy(answeredBy.tobe);
    } catch {
      // The assertions on what each loop saw tell which version was missing.
    }
    const seen = { asis: await asis.stop(), tobe: await tobe.stop() };
    for (const [slot, result] of Object.entries(seen)) {
      assert.equal(result.failed, 0, `${slot}: ${result.failures.slice(0, 3).join('\n')}`);
      assert.ok(result.ok > 0, `${slot} answered during the test`);
    }
    return seen;
  };
}

/** Calls `act` once, synchronously, when a release operation reports `step`. */
function atStep(host: Host, step: ReleaseStep, act: () => void): () => void {
  const listener = (event: HostEvent): void => {
    if (event.type !== 'progress' || event.data?.step !== step) return;
    host.off('event', listener);
    act();
  };
  host.on('event', listener);
  return () => host.off('event', listener);
}

/** What a release operation must leave unchanged when it fails, and the history before it. */
async function snapshot(host: Host, dataDir: string) {
  return {
    asis: await slotBundleSha(dataDir, 'asis'),
    tobe: await slotBundleSha(dataDir, 'tobe'),
    served: (await host.status()).slots.map((s) => s.model?.sha256),
    state: await readReleaseState(dataDir),
    historyIds: new Set((await host.history()).map((e) => e.id)),
  };
}

/** The operation failed with `code` at `step`, recorded that, and changed nothing else. */
async function assertFailedCleanly(host: Host, dataDir: string, before: Awaited<ReturnType<typeof snapshot>>, operation: Promise<unknown>, expected: { code: string; step: string; message: RegExp[] }): Promise<void> {
  await assert.rejects(operation, (error: Error & { code?: string; step?: string }) => {
    assert.equal(error.code, expected.code, error.message);
    assert.equal(error.step, expected.step, error.message);
    for (const pattern of expected.message) assert.match(error.message, pattern);
    return true;
  });
  const after = await snapshot(host, dataDir);
  assert.deepEqual({ asis: after.asis, tobe: after.tobe }, { asis: before.asis, tobe: before.tobe }, 'weights unchanged');
  assert.deepEqual(after.served, before.served, 'both slots serve what they served before');
  assert.deepEqual(after.state, before.state, 'state.json unchanged');
  const added = (await host.history()).filter((e) => !before.historyIds.has(e.id));
  assert.deepEqual(added.map((e) => [e.outcome, e.error?.code, e.error?.step]), [['failed', expected.code, expected.step]], 'history records the failure, once');
  await assertWeightsWhole(dataDir);
}

test('disk full: a deploy that cannot be downloaded, or archived and installed, fails with DISK_FULL and changes nothing; with room it succeeds', { skip: mountingUnavailable }, async () => {
  // 10 MB holds the seeded weights (two 4.2 MB bundles) but not the 15.8 MB download; 50 MB holds
  // the download, the graphs optimised for the seeded and the new model and the archived copy of
  // the old TO-BE (36-42 MB in all, measured: 40 MB fails at "archive"), but not also the installed one.
  const disk = await mountTmpfs(10);
  await publishRun(sshd.runsDir, 'run-large', liteCnnRun(1001, LARGE_WIDTHS));
  const { host, dataDir, url } = await startTestHost(gpuSettings(sshd), disk.dir);
  const stopLoops = await loopsOnBothSlots(url);
  for (const [megabytes, step] of [[10, 'download'], [50, 'install']] as const) {
    await disk.resize(megabytes);
    const before = await snapshot(host, dataDir);
    await assertFailedCleanly(host, dataDir, before, host.deploy({ trigger: 'cli', runId: 'run-large' }), {
      code: 'DISK_FULL',
      step,
      message: [new RegExp(`step "${step}"`), new RegExp(`No space left on the disk that holds ${dataDir}`), /Free some space/],
    });
  }
  await disk.resize(100);
  const before = await snapshot(host, dataDir);
  const deployed = await host.deploy({ trigger: 'cli', runId: 'run-large' });
  assert.equal(deployed.outcome, 'deployed');
  const seen = await stopLoops({ tobe: 'run-large' });
  assert.ok(seen.tobe.versions.has('run-large'), 'TO-BE switched to the new model under the loop');
  assert.equal(await assertOperationConsistent({
    dataDir, slot: 'tobe', action: 'deploy', oldBundle: before.tobe, newBundle: deployed.entry!.to!.bundleSha256,
    stateBefore: before.state, added: (await host.history()).filter((e) => !before.historyIds.has(e.id)), status: await host.status(),
  }), 'new');
  assert.equal(await slotBundleSha(dataDir, 'asis'), before.asis, 'AS-IS untouched');
  await assertWeightsWhole(dataDir);
  figures.faults.push({ fault: 'disk full during a deploy: at download (a 10 MB disk), at install (a 50 MB disk)', injected: 2, requestsDuring: seen.asis.ok + seen.tobe.ok });
});

test('disk full after the swap: TO-BE serves the new model, history does not call it failed, and the next operation records it', { skip: mountingUnavailable }, async () => {
  const disk = await mountTmpfs(24);
  await publishRun(sshd.runsDir, 'run-record', liteCnnRun(41));
  const { host, dataDir, url } = await startTestHost(gpuSettings(sshd), disk.dir);
  // A used host has a history file, so the disk being full need not stop one more line landing in it.
  await assert.rejects(host.deploy({ trigger: 'cli', runId: 'no-such-run' }), { code: 'RUN_NOT_FOUND' });
  const stopLoops = await loopsOnBothSlots(url);
  const before = await snapshot(host, dataDir);
  const filler = join(disk.dir, 'filler');
  let filled = false;
  const unsubscribe = atStep(host, 'record', () => {
    const free = statfsSync(disk.dir);
    writeFileSync(filler, Buffer.alloc(Number(free.bavail * free.bsize)));
    filled = true;
  });
  const failure = await host.deploy({ trigger: 'cli', runId: 'run-record' }).then(() => null, (error: Error & { code?: string; step?: string }) => error);
  unsubscribe();
  assert.ok(filled, `the deploy reached its record step (${failure?.message})`);
  const tobe = (await host.status()).slots.find((s) => s.slot === 'tobe')!;
  assert.equal(tobe.model?.version, 'run-record', 'the swap happened: TO-BE serves the new model');
  const claims = (await host.history()).filter((e) => !before.historyIds.has(e.id));
  assert.deepEqual(claims, [], 'history does not call a deploy that is serving failed');
  assert.ok(failure, 'the deploy reports that it could not be recorded');
  assert.equal(failure.code, 'DISK_FULL', failure.message);
  assert.equal(failure.step, 'record');
  assert.match(failure.message, /TO-BE serves run-record already; history and state record it at the next release operation/);

  // Still full: the next operation says so and does nothing.
  await assert.rejects(host.rollback({ slot: 'tobe', trigger: 'cli' }), { code: 'DISK_FULL', message: /Free some space/ });
  assert.deepEqual((await host.history()).filter((e) => !before.historyIds.has(e.id)), []);

  await rm(filler);
  assert.equal((await host.deploy({ trigger: 'cli', runId: 'run-record' })).outcome, 'up-to-date');
  const added = (await host.history()).filter((e) => !before.historyIds.has(e.id));
  assert.equal(added[0]?.recovered, true, 'recorded as finished after the fact');
  assert.equal(await assertOperationConsistent({
    dataDir, slot: 'tobe', action: 'deploy', oldBundle: before.tobe, newBundle: await slotBundleSha(dataDir, 'tobe'),
    stateBefore: before.state, added, status: await host.status(),
  }), 'new');
  assert.notEqual(before.tobe, await slotBundleSha(dataDir, 'tobe'));
  const seen = await stopLoops();
  await assertWeightsWhole(dataDir);
  figures.faults.push({ fault: 'disk full while recording a deploy, after its swap', injected: 1, requestsDuring: seen.asis.ok + seen.tobe.ok });
});

test('a read-only weights dir: deploy and promote fail with FOLDER_NOT_WRITABLE, both slots keep serving, nothing changes; writable again, both succeed', { skip: mountingUnavailable }, async () => {
  await publishRun(sshd.runsDir, 'run-readonly', liteCnnRun(51));
  const { host, dataDir, url } = await startTestHost(gpuSettings(sshd));
  const weights = join(dataDir, 'weights');
  await mkdir(join(weights, 'history'), { recursive: true });
  const stopLoops = await loopsOnBothSlots(url);
  const readOnly = await mountReadOnly(weights);
  try {
    const notWritable = [/step "archive"/, new RegExp(`${weights}(/history)? cannot be written \\(EROFS`), /Make it writable/];
    await assertFailedCleanly(host, dataDir, await snapshot(host, dataDir), host.deploy({ trigger: 'cli', runId: 'run-readonly' }), { code: 'FOLDER_NOT_WRITABLE', step: 'archive', message: notWritable });
    await assertFailedCleanly(host, dataDir, await snapshot(host, dataDir), host.promote({ trigger: 'cli' }), { code: 'FOLDER_NOT_WRITABLE', step: 'archive', message: notWritable });
  } finally {
    await readOnly.release();
  }
  const beforeDeploy = await snapshot(host, dataDir);
  const deployed = await host.deploy({ trigger: 'cli', runId: 'run-readonly' });
  assert.equal(await assertOperationConsistent({
    dataDir, slot: 'tobe', action: 'deploy', oldBundle: beforeDeploy.tobe, newBundle: deployed.entry!.to!.bundleSha256,
    stateBefore: beforeDeploy.state, added: (await host.history()).filter((e) => !beforeDeploy.historyIds.has(e.id)), status: await host.status(),
  }), 'new');
  const beforePromote = await snapshot(host, dataDir);
  const promoted = await host.promote({ trigger: 'cli' });
  assert.equal(await assertOperationConsistent({
    dataDir, slot: 'asis', action: 'promote', oldBundle: beforePromote.asis, newBundle: promoted.to!.bundleSha256,
    stateBefore: beforePromote.state, added: (await host.history()).filter((e) => !beforePromote.historyIds.has(e.id)), status: await host.status(),
  }), 'new');
  const seen = await stopLoops({ asis: 'run-readonly' });
  assert.deepEqual([...seen.asis.versions].sort(), ['1.0.0', 'run-readonly'], 'AS-IS answered throughout, before and after the promote');
  await assertWeightsWhole(dataDir);
  figures.faults.push({ fault: 'read-only weights dir during a deploy and a promote', injected: 2, requestsDuring: seen.asis.ok + seen.tobe.ok });
});

test('the TO-BE slot process SIGKILLed during a swap, at seeded moments: it comes back serving the old or the new model, files, state and history agree, and AS-IS never notices', async (t) => {
  const { host, dataDir, url } = await startTestHost(gpuSettings(sshd));
  const random = seededRandom(KILL_SEED);
  const tobeStatus = async (): Promise<HostStatus['slots'][number]> => (await host.status()).slots.find((s) => s.slot === 'tobe')!;
  const asisPid = (await host.status()).slots.find((s) => s.slot === 'asis')!.pid;
  const asisLoop = await startRequestLoop(() => url('asis'), LOOP_CONCURRENCY, LOOP_PAUSE_MS);

  const rounds = 3;
  await Promise.all(Array.from({ length: rounds + 1 }, (_, n) => publishRun(sshd.runsDir, `run-swap-${n}`, liteCnnRun(60 + n))));

  // How long the swap step takes here, from an uninterrupted deploy: the kills land within it.
  const marks: Partial<Record<DeployStep | ReleaseStep, number>> = {};
  const mark = (event: HostEvent): void => {
    if (event.type === 'progress' && event.data) marks[event.data.step] ??= performance.now();
  };
  host.on('event', mark);
  await host.deploy({ trigger: 'cli', runId: 'run-swap-0' });
  host.off('event', mark);
  const swapMs = marks.record! - marks.swap!;

  const outcomes: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const runId = `run-swap-${round}`;
    // Round 1 kills before the swap request reaches the slot; the others during the swap or just after.
    const killAfterMs = round === 1 ? null : killMoment(random, round - 2, rounds - 1, swapMs * 2);
    const before = await snapshot(host, dataDir);
    const pid = (await tobeStatus()).pid!;
    let killed!: () => void;
    const killDone = new Promise<void>((resolve) => (killed = resolve));
    const kill = (): void => {
      process.kill(pid, 'SIGKILL');
      killed();
    };
    let swapReached = false;
    const unsubscribe = atStep(host, 'swap', () => {
      swapReached = true;
      if (killAfterMs === null) kill();
      else setTimeout(kill, killAfterMs);
    });
    const result = await host.deploy({ trigger: 'cli', runId }).then(() => null, (error: Error & { code?: string; step?: string }) => error);
    unsubscribe();
    assert.ok(swapReached, `round ${round}: the deploy reached its swap step (${result?.message})`);
    await killDone;
    await eventually(async () => {
      const tobe = await tobeStatus();
      assert.ok(tobe.state === 'ready' && tobe.pid !== pid, `TO-BE restarted (${tobe.state})`);
    }, 40_000);
    if (result) {
      assert.equal(result.code, 'SWAP_FAILED', result.message);
      assert.equal(result.step, 'swap');
      assert.match(result.message, /The TO-BE slot process ended during a model swap\. TO-BE was put back to run-swap-\d; try again\./);
    }
    const added = (await host.history()).filter((e) => !before.historyIds.has(e.id));
    const newBundle = added[0]?.to?.bundleSha256;
    assert.ok(newBundle, `round ${round}: the operation got as far as installing`);
    const outcome = await assertOperationConsistent({ dataDir, slot: 'tobe', action: 'deploy', oldBundle: before.tobe, newBundle, stateBefore: before.state, added, status: await host.status() });
    assert.equal(outcome, result ? 'old' : 'new', `round ${round}: a failed deploy leaves the old model, a successful one the new`);
    outcomes.push(`${killAfterMs === null ? 'before the request' : `${killAfterMs} ms`} -> ${outcome}`);
  }
  const seen = await asisLoop.stop();
  assert.equal(seen.failed, 0, seen.failures.slice(0, 3).join('\n'));
  const asis = (await host.status()).slots.find((s) => s.slot === 'asis')!;
  assert.deepEqual([asis.pid, asis.restarts], [asisPid, 0], 'AS-IS kept its process');
  t.diagnostic(`swap step ${Math.round(swapMs)} ms; TO-BE killed at (after the swap began) -> model kept: ${outcomes.join(', ')}`);
  assert.ok(outcomes.some((o) => o.endsWith('old')), 'a kill landed inside a swap');
  await assertWeightsWhole(dataDir);
  figures.faults.push({ fault: 'TO-BE slot process SIGKILLed during a swap (requests: AS-IS)', injected: rounds, requestsDuring: seen.ok, outcomes });
});

test('the host SIGKILLed while POST /api/promote is in flight, at seeded moments of each step: after a restart AS-IS is old or new, whole, and state and history agree', async (t) => {
  const dataDir = await tempDir('litecnn-promote-kill-');
  const random = seededRandom(KILL_SEED + 1);
  let serve = await startServe(dataDir);
  const client = (): Promise<ControlClient> => ControlClient.connect(dataDir);
  const tobeBundle = await slotBundleSha(dataDir, 'tobe');
  const outcomes: string[] = [];
  // Each round kills at a seeded moment (0-15 ms) after the promote reports one of its steps, as the
  // dashboard sees them on /api/events; the first, after the request is sent, before any step.
  for (const step of ['request', 'archive', 'install', 'swap', 'record'] as const) {
    const control = await client();
    const before = {
      asis: await slotBundleSha(dataDir, 'asis'),
      state: await readReleaseState(dataDir),
      historyIds: new Set((await control.history()).map((e) => e.id)),
    };
    const url = (await control.status()).slots.find((s) => s.slot === 'asis')!.url!;
    const loop = await startRequestLoop(() => url, LOOP_CONCURRENCY, LOOP_PAUSE_MS);
    const delayMs = Math.round(random.uniform() * 15);
    let killedAt = 0;
    const kill = (): void => {
      if (killedAt) return;
      killedAt = performance.now();
      serve.child.kill('SIGKILL');
    };
    let stepReached = step === 'request';
    const unsubscribe = await control.subscribe((event) => {
      if (event.type !== 'progress' || event.data?.operation !== 'promote' || event.data.step !== step) return;
      stepReached = true;
      setTimeout(kill, delayMs);
    });
    const answer = control.promote({}).then((entry: HistoryEntry) => entry, (error: Error & { code?: string }) => error);
    if (step === 'request') setTimeout(kill, delayMs);
    // A promote that ended before its step was seen is killed a moment later; the check below fails it.
    await Promise.race([exited(serve.child), answer.then(() => sleep(1_000))]);
    kill();
    unsubscribe();
    await exited(serve.child);
    assert.ok(stepReached, `the promote reached its ${step} step (${JSON.stringify(await answer)})`);
    const seen = await loop.stop();
    assert.ok(seen.firstFailureAt === null || seen.firstFailureAt >= killedAt, `AS-IS answered every request until the host was killed: ${seen.failures[0]}`);
    const result = await answer;
    if (result instanceof Error) {
      assert.equal(result.code, 'HOST_NOT_RUNNING', result.message);
      assert.match(result.message, /does not answer .*Start it with `litecnn serve`/);
    }

    serve = await startServe(dataDir);
    const restarted = await client();
    const added = (await restarted.history()).filter((e) => !before.historyIds.has(e.id));
    const outcome = await assertOperationConsistent({ dataDir, slot: 'asis', action: 'promote', oldBundle: before.asis, newBundle: tobeBundle, stateBefore: before.state, added, status: await restarted.status() });
    if (!(result instanceof Error)) assert.equal(outcome, 'new', 'a promote that answered is on disk');
    assert.equal(await slotBundleSha(dataDir, 'tobe'), tobeBundle, 'TO-BE untouched');
    await assertWeightsWhole(dataDir);
    outcomes.push(`${step} + ${delayMs} ms -> ${outcome}${result instanceof Error ? '' : ' (answered)'}`);
    if (outcome === 'new') await restarted.rollback({ slot: 'asis' });
  }
  t.diagnostic(`host killed at -> AS-IS: ${outcomes.join(', ')}`);
  assert.ok(outcomes.some((o) => o.includes('-> old')) && outcomes.some((o) => o.includes('-> new')), 'kills landed before and after the install');
  serve.child.kill('SIGTERM');
  await exited(serve.child);
  figures.faults.push({ fault: 'host SIGKILLed while POST /api/promote is in flight', injected: outcomes.length, outcomes });
});

test('temp files a kill left mid-write in weights/ and weights/history/ are removed when the host starts', async () => {
  const dataDir = await tempDir('litecnn-leftovers-');
  const weights = join(dataDir, 'weights');
  await mkdir(join(weights, 'history'), { recursive: true });
  const leftovers = [join(weights, '.model_8891.bin.0123456789ab.tmp'), join(weights, 'history', `.${'a'.repeat(64)}.bin.ba9876543210.tmp`)];
  for (const file of leftovers) await writeFile(file, Buffer.alloc(4096, 7));
  await writeFile(join(weights, 'notes.txt'), 'not ours');
  await startTestHost({}, dataDir);
  await assertWeightsWhole(dataDir);
  assert.deepEqual((await readdir(weights)).sort(), ['history', 'model_8891.bin', 'model_8892.bin', 'notes.txt']);
  figures.faults.push({ fault: 'temp files a kill left mid-write in weights/ and weights/history/', injected: leftovers.length });
});
