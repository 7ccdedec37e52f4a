import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SlotId } from '../../src/shared/slot-api.js';
import { PrestartedSlotLauncher } from '../../src/main/slot/prestarted-launcher.js';
import { SLOT_PROCESS_ENTRY, type SlotProcessHandle, type SlotProcessLauncher } from '../../src/main/slot/slot-launcher.js';
import type { SlotToHostMessage } from '../../src/main/slot/slot-messages.js';
import { exited, isAlive } from '../helpers/cli.js';
import { LITECNN_CLI } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A process the fake launcher started: the test plays its messages and its exit. */
interface FakeProcess extends SlotProcessHandle {
  readonly slot: SlotId;
  readonly entryFile: string;
  readonly sent: unknown[];
  killed: boolean;
  emitMessage(message: SlotToHostMessage): void;
  emitExit(code: number | null, signal: string | null): void;
}

function fakeLauncher(): SlotProcessLauncher & { started: FakeProcess[] } {
  const started: FakeProcess[] = [];
  return {
    started,
    launch(slot, entryFile) {
      const messageListeners: ((message: SlotToHostMessage) => void)[] = [];
      const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
      const fake: FakeProcess = {
        slot,
        entryFile,
        pid: 1000 + started.length,
        sent: [],
        killed: false,
        send: (message) => void fake.sent.push(message),
        onMessage: (listener) => void messageListeners.push(listener),
        onExit: (listener) => void exitListeners.push(listener),
        kill: () => {
          fake.killed = true;
        },
        resume: () => undefined,
        emitMessage: (message) => messageListeners.forEach((listener) => listener(message)),
        emitExit: (code, signal) => exitListeners.forEach((listener) => listener(code, signal)),
      };
      started.push(fake);
      return fake;
    },
  };
}

test('each slot\'s first launch takes the process started ahead; later launches, and other entries, start new ones', () => {
  const inner = fakeLauncher();
  const launcher = new PrestartedSlotLauncher(inner).prestart(['asis', 'tobe']);
  assert.deepEqual(inner.started.map((p) => p.slot), ['asis', 'tobe']);

  const tobe = launcher.launch('tobe', SLOT_PROCESS_ENTRY);
  assert.equal(tobe.pid, inner.started[1]!.pid);
  tobe.send({ type: 'shutdown' });
  assert.deepEqual(inner.started[1]!.sent, [{ type: 'shutdown' }]);
  assert.equal(inner.started.length, 2);

  const restartedTobe = launcher.launch('tobe', SLOT_PROCESS_ENTRY);
  assert.equal(restartedTobe.pid, inner.started[2]!.pid, 'a restart is a new process');
  const candidate = launcher.launch('asis', '/elsewhere/slot-process.js');
  assert.equal(candidate.pid, inner.started[3]!.pid, 'another entry is a new process');
  assert.equal(launcher.launch('asis', SLOT_PROCESS_ENTRY).pid, inner.started[0]!.pid);
});

test('what a prestarted process said, and its exit, before anyone listened reach the launch that takes it', async () => {
  const inner = fakeLauncher();
  const launcher = new PrestartedSlotLauncher(inner).prestart(['asis']);
  const early = inner.started[0]!;
  early.emitMessage({ type: 'listening', port: 1234, tlsFingerprint256: null });
  early.emitExit(1, null);

  const handle = launcher.launch('asis', SLOT_PROCESS_ENTRY);
  const messages: SlotToHostMessage[] = [];
  handle.onMessage((message) => messages.push(message));
  const exit = await new Promise<[number | null, string | null]>((resolve) => handle.onExit((code, signal) => resolve([code, signal])));
  assert.deepEqual(messages, [{ type: 'listening', port: 1234, tlsFingerprint256: null }]);
  assert.deepEqual(exit, [1, null]);
});

test('discardUnused ends only the prestarted processes no launch took', () => {
  const inner = fakeLauncher();
  const launcher = new PrestartedSlotLauncher(inner).prestart(['asis', 'tobe']);
  launcher.launch('asis', SLOT_PROCESS_ENTRY);
  launcher.discardUnused();
  assert.deepEqual(inner.started.map((p) => p.killed), [false, true]);
  assert.equal(launcher.launch('tobe', SLOT_PROCESS_ENTRY).pid, inner.started[2]!.pid, 'after a discard, a launch starts a new process');
});

test('`litecnn serve` that fails before its host starts the slots exits with the error and leaves no slot process behind', async () => {
  const dataDir = await tempDir();
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ asisPort: 'eighty' }));
  const child = spawn(process.execPath, [LITECNN_CLI, '--data-dir', dataDir, 'serve', '--asis-port', '0', '--tobe-port', '0', '--control-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const slotPids: number[] = [];
  const watch = setInterval(() => slotPids.push(...childrenOf(child.pid!)), 20);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited(child);
  clearTimeout(timer);
  clearInterval(watch);
  assert.equal(child.signalCode, null, `serve had to be killed:\n${output}`);
  assert.notEqual(code, 0);
  assert.match(output, /settings\.json/);
  assert.match(output, /asisPort/);
  assert.ok(slotPids.length > 0, 'serve started its slot processes before it read the settings');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual([...new Set(slotPids)].filter(isAlive), []);
});

/** The pids of `pid`'s child processes. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
