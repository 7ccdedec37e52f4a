import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
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
  for (const entry of ['litecnn.js', 'slot-process.js', 'inference-worker.js']) assert.ok(files.includes(entry), `dist/app/${entry}`);
});

test('the bundled CLI reads its version from the package.json above it, wherever the installation is', async () => {
  const install = await tempDir('litecnn-app-copy-');
  await mkdir(join(install, 'dist'));
  await cp(APP_DIR, join(install, 'dist', 'app'), { recursive: true });
  await writeFile(join(install, 'package.json'), JSON.stringify({ name: 'litecnn-dual', productName: 'LiteCNN Dual', version: '9.8.7' }));
  const { stdout } = await run(process.execPath, [join(install, 'dist', 'app', 'litecnn.js'), '--version']);
  assert.equal(stdout.trim(), '9.8.7');
});
