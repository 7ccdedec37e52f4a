import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { fixtureImage } from '../helpers/paths.js';
import { eventually, postMultipart, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const photo = await readFile(fixtureImage('cat-persian.jpg'));

/** Fires requests at a slot until stopped; returns how many succeeded and failed. */
function requestLoop(url: string): { stop: () => Promise<{ ok: number; failed: number }> } {
  let running = true;
  const counts = { ok: 0, failed: 0 };
  const loop = (async () => {
    while (running) {
      const response = await postMultipart(url, photo).catch(() => null);
      if (response?.status === 200) counts.ok++;
      else counts.failed++;
      await response?.arrayBuffer();
    }
  })();
  return { stop: async () => { running = false; await loop; return counts; } };
}

test('stopping and starting one slot never interrupts the other', async () => {
  const { host, url } = await startTestHost();
  const asisUrl = await url('asis');
  const loop = requestLoop(asisUrl);
  await host.act('tobe', 'stop');
  assert.equal((await host.slots.tobe.status()).state, 'stopped');
  await host.act('8892', 'start');
  assert.equal((await host.slots.tobe.status()).state, 'ready');
  await host.act('tobe', 'restart');
  assert.equal((await host.slots.tobe.status()).state, 'ready');
  const counts = await loop.stop();
  assert.equal(counts.failed, 0, 'AS-IS answered every request');
  assert.ok(counts.ok > 0);
  assert.equal((await postMultipart(await url('tobe'), photo)).status, 200);
});

test('a slot killed with SIGKILL is restarted while the other keeps answering', async () => {
  const { host, url } = await startTestHost();
  const before = await host.slots.tobe.status();
  const loop = requestLoop(await url('asis'));
  process.kill(before.pid!, 'SIGKILL');
  const after = await eventually(async () => {
    const status = await host.slots.tobe.status();
    assert.equal(status.state, 'ready');
    assert.notEqual(status.pid, before.pid);
    return status;
  });
  const counts = await loop.stop();
  assert.equal(counts.failed, 0, 'AS-IS answered every request');
  assert.equal(after.restarts, 1);
  assert.equal(after.lastCrash?.signal, 'SIGKILL');
  assert.equal((await postMultipart(await url('tobe'), photo)).status, 200, 'the restarted TO-BE serves again');
  assert.equal((await host.slots.asis.status()).pid, (await host.slots.asis.status()).pid);
});

test('a port already in use fails that slot with a clear error; the other still starts', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  try {
    const { host, url } = await startTestHost({ asisPort: taken });
    const asis = await host.slots.asis.status();
    assert.equal(asis.state, 'failed');
    assert.equal(asis.error?.code, 'PORT_IN_USE');
    assert.match(asis.error!.message, new RegExp(`Port ${taken}.*already in use.*--asis-port`));
    assert.equal((await postMultipart(await url('tobe'), photo)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await host.slots.asis.status()).state, 'failed', 'not restarted in a loop');
  } finally {
    blocker.close();
  }
});

test('a damaged weights file fails only its slot, naming the file and the problem', async () => {
  const dataDir = await tempDir();
  const { host: first } = await startTestHost({}, dataDir);
  await first.stop();
  const file = slotBundleFile(dataDir, 'tobe');
  const bytes = await readFile(file);
  await writeFile(file, bytes.subarray(0, bytes.length - 100));
  const { host, url } = await startTestHost({}, dataDir);
  const tobe = await host.slots.tobe.status();
  assert.equal(tobe.state, 'failed');
  assert.equal(tobe.error?.code, 'BUNDLE_TRUNCATED');
  assert.ok(tobe.error!.message.includes(join('weights', 'model_8892.bin')));
  assert.equal((await postMultipart(await url('asis'), photo)).status, 200);
});

test('stopping a slot under load lets in-flight requests finish and ends cleanly within the grace period', async () => {
  const { host, url, dataDir } = await startTestHost();
  const tobeUrl = await url('tobe');
  const big = await readFile(fixtureImage('other-espresso.png'));
  const abandoned = Array.from({ length: 6 }, () => new Promise<void>((resolve) => {
    const request = httpRequest(`${tobeUrl}/predict`, { method: 'POST', headers: { 'content-type': 'image/png' } });
    request.on('error', () => resolve());
    request.end(big, () => setTimeout(() => {
      request.destroy();
      resolve();
    }, 5));
  }));
  const loops = await Promise.all([1, 2, 3, 4].map(() => requestLoop(tobeUrl)));
  await Promise.all(abandoned);
  const started = Date.now();
  await host.act('tobe', 'stop');
  const took = Date.now() - started;
  await Promise.all(loops.map((loop) => loop.stop()));
  assert.ok(took < 4_500, `stopped in ${took} ms, before the 5 s kill`);
  const status = await host.slots.tobe.status();
  assert.equal(status.state, 'stopped');
  assert.equal(status.lastCrash, null);
  const log = await readFile(join(dataDir, 'logs', 'tobe', 'current.log'), 'utf8');
  assert.match(log.trim().split('\n').at(-1)!, /"msg":"stopped"/, 'the slot went through its clean shutdown');
});
