import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/main/package-root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { REPO_ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
const APP_DIR = join(REPO_ROOT, 'dist', 'app');

test('the compiled modules find the project root, at whatever depth they sit', () => {
  assert.equal(PACKAGE_ROOT, REPO_ROOT.replace(/\/$/, ''));
});

test('dist/app holds the three entries side by side, which the bundle names by their compiled names', async () => {
  const files = await readdir(APP_DIR);
  for (const entry of ['litecnn.js', 'slot-process.cjs', 'inference-worker.cjs']) assert.ok(files.includes(entry), `dist/app/${entry}`);
});

test('the slot process names the inference worker as the build bundled it (CommonJS, like itself: Node\'s ES module loader cost each slot about 150 ms more CPU)', async () => {
  const slot = await readFile(join(APP_DIR, 'slot-process.cjs'), 'utf8');
  assert.ok(slot.includes('"./inference-worker.cjs"'), 'slot-process.cjs names ./inference-worker.cjs');
  assert.ok(!slot.includes('"./inference-worker.js"'), 'slot-process.cjs never names the ES module worker');
});

test('the bundled CLI reads its version from the package.json above it, wherever the installation is', async () => {
  const install = await tempDir('litecnn-app-copy-');
  await mkdir(join(install, 'dist'));
  await cp(APP_DIR, join(install, 'dist', 'app'), { recursive: true });
  await writeFile(join(install, 'package.json'), JSON.stringify({ name: 'litecnn-dual', productName: 'LiteCNN Dual', version: '9.8.7' }));
  const { stdout } = await run(process.execPath, [join(install, 'dist', 'app', 'litecnn.js'), '--version']);
  assert.equal(stdout.trim(), '9.8.7');
});

/**
 * Starts the bundled inference worker in a fresh Node process, loads `bundleFile` into it, and
 * reports which native libraries that process then has mapped (Linux: /proc/self/maps).
 */
async function librariesOfAWorkerProcess(bundleFile: string): Promise<{ onnxruntime: boolean; libvips: boolean }> {
  const script = `
    const { Worker } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const worker = new Worker(${JSON.stringify(join(APP_DIR, 'inference-worker.cjs'))});
    worker.on('message', (message) => {
      if (message.type !== 'ready') throw new Error(JSON.stringify(message));
      const maps = readFileSync('/proc/self/maps', 'utf8');
      process.stdout.write(JSON.stringify({ onnxruntime: /libonnxruntime/.test(maps), libvips: /libvips/.test(maps) }));
      process.exit(0);
    });
    worker.postMessage({ type: 'load', source: { file: ${JSON.stringify(bundleFile)} }, subject: 'test' });`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  return JSON.parse(stdout) as { onnxruntime: boolean; libvips: boolean };
}

test('the inference worker runs a model without sharp or Ajv (it never decodes, and schemas come precompiled): each model swap starts one', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  assert.deepEqual(await librariesOfAWorkerProcess(join(REPO_ROOT, 'weights', 'model_8891.bin')), { onnxruntime: true, libvips: false });
  // A message of Ajv's own core (node_modules/ajv/dist/core.js), which the schema compiler carries.
  assert.doesNotMatch(await readFile(join(APP_DIR, 'inference-worker.cjs'), 'utf8'), /schema with key or id/);
});

test('pino-roll\'s date-fns (scripts/date-fns-for-pino-roll.cjs) answers as date-fns does, and loads each function\'s module only when it is first called', () => {
  const require = createRequire(join(REPO_ROOT, 'scripts', 'date-fns-for-pino-roll.cjs'));
  const shim = require('./date-fns-for-pino-roll.cjs') as { format(date: Date, pattern: string): string; addDays(date: Date, days: number): Date; addHours(date: Date, hours: number): Date; parse(text: string, pattern: string, reference: Date): Date; isValid(date: Date): boolean };
  const loaded = (name: string): boolean => Object.keys(require.cache).some((file) => file.endsWith(join('date-fns', `${name}.cjs`)));
  assert.ok(!['format', 'addDays', 'addHours', 'parse', 'isValid'].some(loaded), 'nothing of date-fns is loaded until a function is called');
  const day = new Date(2026, 11, 3, 17, 30);
  assert.equal(shim.format(day, 'yyyy-MM-dd HH:mm'), '2026-12-03 17:30');
  assert.ok(loaded('format') && !loaded('parse'), 'format loads format, not parse');
  assert.equal(shim.addDays(day, 1).getDate(), 4);
  assert.equal(shim.addHours(day, 7).getHours(), 0);
  assert.equal(shim.parse('2026-12-03', 'yyyy-MM-dd', day).getTime(), new Date(2026, 11, 3).getTime());
  assert.equal(shim.isValid(shim.parse('not a date', 'yyyy-MM-dd', day)), false);
});
