import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { MIRROR_PAUSE_BUDGET_MS, ShadowTargetPause } from '../../src/main/slot/shadow-target-pause.js';
import { processState } from '../helpers/process-threads.js';
import { eventually } from '../helpers/running-host.js';

const PID = 4242;

/** A pause whose signals are recorded instead of sent. */
function recordedPause(budgetMs = MIRROR_PAUSE_BUDGET_MS): { pause: ShadowTargetPause; signals: string[]; paused: number[] } {
  const signals: string[] = [];
  const paused: number[] = [];
  const pause = new ShadowTargetPause({ signal: (pid, signal) => void signals.push(`${signal} ${pid}`), budgetMs, onPaused: (ms) => paused.push(ms) });
  pause.target(PID);
  return { pause, signals, paused };
}

test('TO-BE is held still only while a client request is in progress on AS-IS and a mirror is in flight, and goes on when either ends', async () => {
  const { pause, signals, paused } = recordedPause();
  const first = pause.clientRequest();
  first();
  assert.deepEqual(signals, [], 'no mirror in flight: a client request alone pauses nothing');
  pause.mirrorStarted();
  assert.deepEqual(signals, [], 'a mirror while AS-IS is idle runs');

  const second = pause.clientRequest();
  assert.deepEqual(signals, [`SIGSTOP ${PID}`]);
  const overlapping = pause.clientRequest();
  second();
  assert.deepEqual(signals, [`SIGSTOP ${PID}`], 'held while any client request is in progress');
  await sleep(20);
  overlapping();
  overlapping();
  assert.deepEqual(signals, [`SIGSTOP ${PID}`, `SIGCONT ${PID}`], 'goes on when the last one ends; ending one twice counts once');
  assert.ok(paused[0]! >= 19, `the pause lasted while AS-IS served (${paused[0]} ms)`);

  const third = pause.clientRequest();
  pause.mirrorEnded();
  assert.deepEqual(signals.slice(2), [`SIGSTOP ${PID}`, `SIGCONT ${PID}`], 'a mirror that ends lets TO-BE go on at once');
  third();
  pause.clientRequest()();
  assert.equal(signals.length, 4, 'nothing in flight: nothing paused');
  assert.equal(pause.stats().pauses, 2);
  assert.ok(Math.abs(pause.stats().pausedMs - (paused[0]! + paused[1]!)) < 1e-6);
});

test('one mirror holds TO-BE still for at most its budget in all, however often AS-IS is busy', async () => {
  const budgetMs = 60;
  const { pause, signals } = recordedPause(budgetMs);
  pause.mirrorStarted();
  const started = performance.now();
  // A client that keeps AS-IS busy, with gaps of a moment between its requests.
  while (performance.now() - started < 3 * budgetMs) {
    const served = pause.clientRequest();
    await sleep(10);
    served();
  }
  const stops = signals.filter((s) => s.startsWith('SIGSTOP')).length;
  assert.ok(stops >= 3, `held again after each gap (${stops} times)`);
  assert.equal(signals.filter((s) => s.startsWith('SIGCONT')).length, stops, 'every pause ended');
  assert.ok(pause.stats().pausedMs <= budgetMs + 15, `held ${pause.stats().pausedMs.toFixed(0)} ms in all, budget ${budgetMs} ms`);

  const long = pause.clientRequest();
  assert.equal(signals.filter((s) => s.startsWith('SIGSTOP')).length, stops, 'budget spent: not held again for this mirror');
  long();
  pause.mirrorEnded();
  pause.mirrorStarted();
  const next = pause.clientRequest();
  await eventually(() => assert.equal(signals.at(-1), `SIGCONT ${PID}`), 2_000, 5);
  assert.ok(signals.at(-2)?.startsWith('SIGSTOP'), 'the next mirror has a budget of its own');
  next();
});

test('a new TO-BE process, or none, lets the held one go on; a mirror to the one before no longer counts', () => {
  const { pause, signals } = recordedPause();
  pause.mirrorStarted();
  const served = pause.clientRequest();
  pause.target(5151);
  assert.deepEqual(signals, [`SIGSTOP ${PID}`, `SIGCONT ${PID}`]);
  served();
  pause.clientRequest()();
  assert.equal(signals.length, 2, 'the mirror in flight was to the previous TO-BE: 5151 is not held');
  pause.mirrorStarted();
  const again = pause.clientRequest();
  pause.target(null);
  assert.deepEqual(signals.slice(2), ['SIGSTOP 5151', 'SIGCONT 5151']);
  again();
});

test('a pid that cannot be signalled is not paused, and nothing is sent to let it go on', () => {
  const signals: string[] = [];
  const pause = new ShadowTargetPause({ signal: (_pid, signal) => {
    signals.push(signal);
    throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
  } });
  pause.target(PID);
  pause.mirrorStarted();
  pause.clientRequest()();
  pause.mirrorEnded();
  assert.deepEqual(signals, ['SIGSTOP']);
  assert.deepEqual(pause.stats(), { pauses: 0, pausedMs: 0 });
});

test('the signals reach a real process: stopped while held, running again after', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  after(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  const pid = child.pid!;
  const pause = new ShadowTargetPause();
  pause.target(pid);
  pause.mirrorStarted();
  const served = pause.clientRequest();
  await eventually(async () => assert.equal(await processState(pid), 'T'), 2_000, 5);
  served();
  await eventually(async () => assert.notEqual(await processState(pid), 'T'), 2_000, 5);
  pause.mirrorEnded();
});
