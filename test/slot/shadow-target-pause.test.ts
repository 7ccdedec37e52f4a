import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { ShadowTargetPause, TARGET_PAUSE_MAX_MS } from '../../src/main/slot/shadow-target-pause.js';
import { processState } from '../helpers/process-threads.js';
import { eventually } from '../helpers/running-host.js';

/** A real process to hold still: an idle Node that ends with the test. */
function idleProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  after(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  return child.pid!;
}

const stopped = async (pid: number): Promise<boolean> => (await processState(pid)) === 'T';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('TO-BE is held still only while AS-IS works and a mirror is in flight, and goes on when either ends', async () => {
  const pid = idleProcess();
  const paused: number[] = [];
  const pause = new ShadowTargetPause({ onPaused: (ms) => paused.push(ms) });
  pause.target(pid);
  pause.asisBusy(true);
  assert.equal(await stopped(pid), false, 'no mirror in flight: a busy AS-IS alone pauses nothing');
  pause.asisBusy(false);
  pause.mirrorStarted();
  assert.equal(await stopped(pid), false, 'a mirror while AS-IS is idle runs');

  pause.asisBusy(true);
  await eventually(async () => assert.equal(await stopped(pid), true));
  await sleep(30);
  pause.asisBusy(false);
  await eventually(async () => assert.equal(await stopped(pid), false));
  assert.equal(paused.length, 1);
  assert.ok(paused[0]! >= 30, `the pause lasted while AS-IS was busy (${paused[0]} ms)`);

  pause.asisBusy(true);
  await eventually(async () => assert.equal(await stopped(pid), true));
  pause.mirrorEnded();
  await eventually(async () => assert.equal(await stopped(pid), false), 2_000, 5);
  pause.asisBusy(false);
  assert.equal(pause.stats().pauses, 2);
  assert.ok(Math.abs(pause.stats().pausedMs - (paused[0]! + paused[1]!)) < 1e-6);
  assert.ok(TARGET_PAUSE_MAX_MS <= 250, 'TO-BE\'s own clients never wait long');
});

test('a pause ends at its limit, and TO-BE then runs at least as long before it is held again', async () => {
  const pid = idleProcess();
  const maxMs = 150;
  const pause = new ShadowTargetPause({ maxMs });
  pause.target(pid);
  pause.mirrorStarted();
  pause.asisBusy(true);
  const pausedAt = performance.now();
  await eventually(async () => assert.equal(await stopped(pid), true));
  await eventually(async () => assert.equal(await stopped(pid), false), 2_000, 5);
  assert.ok(performance.now() - pausedAt >= maxMs - 1, 'held for the limit, though AS-IS is still busy');
  pause.asisBusy(false);
  pause.asisBusy(true);
  assert.equal(await stopped(pid), false, 'not held again right after the limit');
  assert.equal(pause.stats().pauses, 1);
  pause.asisBusy(false);
  await sleep(maxMs);
  pause.asisBusy(true);
  await eventually(async () => assert.equal(await stopped(pid), true, 'held again once it ran as long as the limit'));
  pause.asisBusy(false);
  assert.equal(pause.stats().pauses, 2);
});

test('a new TO-BE process or none lets the held one go on; a pid that cannot be signalled is not paused', async () => {
  const pid = idleProcess();
  const pause = new ShadowTargetPause();
  pause.target(pid);
  pause.mirrorStarted();
  pause.asisBusy(true);
  await eventually(async () => assert.equal(await stopped(pid), true));
  pause.target(null);
  await eventually(async () => assert.equal(await stopped(pid), false));
  pause.asisBusy(false);

  const signals: string[] = [];
  const refusing = new ShadowTargetPause({ signal: (_pid, signal) => {
    signals.push(signal);
    throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
  } });
  refusing.target(2 ** 22 + 1);
  refusing.mirrorStarted();
  refusing.asisBusy(true);
  refusing.asisBusy(false);
  refusing.mirrorEnded();
  assert.deepEqual(signals, ['SIGSTOP'], 'tried once; nothing to let go on after a refused stop');
  assert.deepEqual(refusing.stats(), { pauses: 0, pausedMs: 0 });
});
