import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exited, runCli, startServe } from '../helpers/cli.js';
import { assertConsistent, configuredDataDir, startCrashBench } from '../helpers/crash-recovery.js';

const bench = await startCrashBench();

test('the host SIGKILLed during a promote: AS-IS is old or new, never partial, and history agrees', async () => {
  const dataDir = await configuredDataDir(bench.sshd);
  const first = await startServe(dataDir);
  assert.equal((await runCli(dataDir, ['deploy'])).code, 0);
  first.child.kill('SIGTERM');
  await exited(first.child);
  const doomed = await startServe(dataDir, [], { LITECNN_FAULT_POINT: 'bundle-written' });
  assert.equal((await runCli(dataDir, ['promote'])).code, 1);
  await exited(doomed.child);
  const again = await startServe(dataDir);
  assert.equal(await assertConsistent(dataDir, 'asis', bench.bundledAsis, 'promote'), 'new');
  again.child.kill('SIGTERM');
  await exited(again.child);
});
