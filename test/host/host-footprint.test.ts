import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readControlFile } from '../../src/main/control/control-file.js';
import { HOST_ONLY_EXEC_ARGV, SLOT_PROCESS_EXEC_ARGV } from '../../src/main/slot/slot-launcher.js';
import type { HostStatus } from '../../src/shared/host-api.js';
import { runCli, startServe } from '../helpers/cli.js';
import { fixtureImage } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The native libraries a process has mapped: /proc on Linux, vmmap on macOS. */
async function mappedLibraries(pid: number): Promise<string> {
  if (process.platform === 'darwin') return (await promisify(execFile)('vmmap', [String(pid)], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  return readFile(`/proc/${pid}/maps`, 'utf8');
}

const INFERENCE_LIBRARIES = /onnxruntime|sharp-|libvips/;

test('an idle host loads neither onnxruntime nor sharp; the first compare loads sharp', async () => {
  const dataDir = await tempDir('litecnn-footprint-');
  const { child } = await startServe(dataDir);
  const idle = await mappedLibraries(child.pid!);
  assert.ok(idle.length > 0);
  assert.doesNotMatch(idle, INFERENCE_LIBRARIES, 'the slots classify; the host needs neither library until an operation asks');

  const { url, token } = await readControlFile(dataDir);
  const response = await fetch(`${url}/api/compare`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: await readFile(fixtureImage('cat-persian.jpg')),
  });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { agree: boolean }).agree, true);
  assert.match(await mappedLibraries(child.pid!), /sharp-|libvips/, 'compare decodes the image once in the host');
});

/** A process's command line as `ps` shows it (Linux and macOS alike). */
async function commandLine(pid: number): Promise<string[]> {
  return (await promisify(execFile)('ps', ['-o', 'args=', '-p', String(pid)])).stdout.trim().split(/\s+/);
}

test('the host runs with its own node flags (no optimising compiler) and its slots without them, with the slots\' own', async () => {
  const dataDir = await tempDir('litecnn-flags-');
  const { child } = await startServe(dataDir);
  const host = await commandLine(child.pid!);
  for (const flag of HOST_ONLY_EXEC_ARGV) assert.ok(host.includes(flag), `host: ${host.join(' ')}`);
  const { stdout } = await runCli(dataDir, ['status', '--json']);
  const slots = (JSON.parse(stdout) as HostStatus).slots;
  assert.equal(slots.length, 2);
  for (const slot of slots) {
    const args = await commandLine(slot.pid!);
    for (const flag of HOST_ONLY_EXEC_ARGV) assert.ok(!args.includes(flag), `${slot.slot}: ${args.join(' ')}`);
    for (const flag of SLOT_PROCESS_EXEC_ARGV) assert.ok(args.includes(flag), `${slot.slot}: ${args.join(' ')}`);
  }
});
