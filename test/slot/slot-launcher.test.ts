import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { forkSlotLauncher, HOST_ONLY_EXEC_ARGV, SLOT_PROCESS_EXEC_ARGV, slotExecArgv } from '../../src/main/slot/slot-launcher.js';
import { processState } from '../helpers/process-threads.js';
import { eventually } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

test('sending to a slot process that is ending never throws in the host (its exit is what gets handled)', async () => {
  const entry = join(await tempDir(), 'ends-at-once.mjs');
  await writeFile(entry, 'process.exit(0);\n');
  const failures: unknown[] = [];
  const onFailure = (error: unknown): void => void failures.push(error);
  process.on('uncaughtException', onFailure);
  try {
    for (let run = 0; run < 10; run++) {
      const slot = forkSlotLauncher.launch('tobe', entry);
      const exited = new Promise<number | null>((resolve) => slot.onExit((code) => resolve(code)));
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      while (!ended) {
        slot.send({ type: 'shutdown' });
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(await exited, 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off('uncaughtException', onFailure);
  }
  assert.deepEqual(failures, []);
});

test('resume lets a slot process held still (SIGSTOP) go on, and is harmless once it has exited', async () => {
  const entry = join(await tempDir(), 'idles.mjs');
  await writeFile(entry, 'setInterval(() => {}, 1000);\n');
  const slot = forkSlotLauncher.launch('tobe', entry);
  const exited = new Promise<void>((resolve) => slot.onExit(() => resolve()));
  try {
    process.kill(slot.pid!, 'SIGSTOP');
    await eventually(async () => assert.equal(await processState(slot.pid!), 'T'), 5_000, 10);
    slot.resume();
    await eventually(async () => assert.notEqual(await processState(slot.pid!), 'T'), 5_000, 10);
  } finally {
    slot.kill();
  }
  await exited;
  assert.doesNotThrow(() => slot.resume());
});

test('a slot takes the host\'s node flags but the host-only ones, then its own, each once', () => {
  assert.deepEqual(slotExecArgv(['--import', 'x.js', ...HOST_ONLY_EXEC_ARGV, '--max-semi-space-size=1']), ['--import', 'x.js', ...SLOT_PROCESS_EXEC_ARGV]);
  assert.deepEqual(slotExecArgv(['--max-old-space-size=512']), ['--max-old-space-size=512', ...SLOT_PROCESS_EXEC_ARGV]);
  assert.deepEqual(slotExecArgv([]), [...SLOT_PROCESS_EXEC_ARGV]);
});
