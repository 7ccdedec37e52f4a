import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { utilityProcess as ElectronUtilityProcess } from 'electron';
import { utilityProcessLauncher } from '../../src/main/electron/utility-process-launcher.js';
import { SLOT_PROCESS_ENTRY } from '../../src/main/slot/slot-launcher.js';
import type { SlotToHostMessage } from '../../src/main/slot/slot-messages.js';
import { createFakeElectron } from '../fakes/electron.js';

function launcherWithFakes() {
  const fake = createFakeElectron();
  const kills: [number, string][] = [];
  const launcher = utilityProcessLauncher(fake.utilityProcess as unknown as typeof ElectronUtilityProcess, (pid, signal) => {
    kills.push([pid, signal]);
  });
  return { fake, kills, launcher };
}

describe('utilityProcessLauncher', () => {
  test('forks the slot entry as a named utility process, without a working directory inside app.asar', () => {
    const { fake, launcher } = launcherWithFakes();
    launcher.launch('tobe', SLOT_PROCESS_ENTRY);
    const [child] = fake.forks;
    assert.equal(child?.modulePath, SLOT_PROCESS_ENTRY);
    assert.deepEqual(child?.args, ['--slot=tobe']);
    assert.equal(child?.options.serviceName, 'LiteCNN TO-BE slot');
    assert.deepEqual(child?.options.stdio, ['ignore', 'inherit', 'inherit']);
    assert.equal(child?.options.cwd, undefined);
    assert.deepEqual(child?.options.execArgv, ['--max-semi-space-size=1'], 'the same V8 heap flags as a forked slot');
    assert.equal((child?.options.env as Record<string, string> | undefined)?.MALLOC_ARENA_MAX, '2');
  });

  test('send posts to the child; its messages and its exit reach the host', () => {
    const { fake, launcher } = launcherWithFakes();
    const handle = launcher.launch('asis', SLOT_PROCESS_ENTRY);
    const child = fake.forks[0]!;
    assert.equal(handle.pid, 4242);
    handle.send({ type: 'shutdown' });
    assert.deepEqual(child.posted, [{ type: 'shutdown' }]);

    const received: SlotToHostMessage[] = [];
    const exits: [number | null, string | null][] = [];
    handle.onMessage((message) => received.push(message));
    handle.onExit((code, signal) => exits.push([code, signal]));
    child.emit('message', { type: 'listening', port: 8891 });
    child.emit('exit', 9);
    assert.deepEqual(received, [{ type: 'listening', port: 8891 }]);
    assert.deepEqual(exits, [[9, null]]);
  });

  test('kill ends the process at once with SIGKILL, which a stuck slot cannot ignore', () => {
    const { fake, kills, launcher } = launcherWithFakes();
    launcher.launch('asis', SLOT_PROCESS_ENTRY).kill();
    assert.deepEqual(kills, [[4242, 'SIGKILL']]);
    assert.equal(fake.forks[0]?.killed, false);
  });

  test('before the process has a pid, kill falls back to utilityProcess.kill', () => {
    const { fake, kills, launcher } = launcherWithFakes();
    const handle = launcher.launch('asis', SLOT_PROCESS_ENTRY);
    fake.forks[0]!.pid = undefined;
    handle.kill();
    assert.deepEqual(kills, []);
    assert.equal(fake.forks[0]?.killed, true);
  });

  test('resume lets a process held still go on with SIGCONT; without a pid there is nothing to resume', () => {
    const { fake, kills, launcher } = launcherWithFakes();
    const handle = launcher.launch('tobe', SLOT_PROCESS_ENTRY);
    handle.resume();
    assert.deepEqual(kills, [[4242, 'SIGCONT']]);
    fake.forks[0]!.pid = undefined;
    handle.resume();
    assert.deepEqual(kills, [[4242, 'SIGCONT']]);
  });

  test('killing or resuming a process that is already gone is not an error', () => {
    const fake = createFakeElectron();
    const launcher = utilityProcessLauncher(fake.utilityProcess as unknown as typeof ElectronUtilityProcess, () => {
      throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    });
    const handle = launcher.launch('tobe', SLOT_PROCESS_ENTRY);
    assert.doesNotThrow(() => handle.kill());
    assert.doesNotThrow(() => handle.resume());
  });
});
