import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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

/** Every module the bundled file `entry` loads when it starts (its static imports, followed through its chunks). */
async function staticImports(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const source = await readFile(join(APP_DIR, pending.pop()!), 'utf8');
    for (const [, name] of source.matchAll(/(?:\bfrom|\bimport)\s*"([^"]+)"/g)) {
      if (seen.has(name!)) continue;
      seen.add(name!);
      if (name!.startsWith('./')) pending.push(name!.slice(2));
    }
  }
  return seen;
}

test('the inference worker starts without sharp or Ajv (it never decodes, and schemas come precompiled): each model swap starts one', async () => {
  const loaded = await staticImports('inference-worker.js');
  assert.ok(loaded.has('onnxruntime-node'), [...loaded].join(', '));
  assert.ok(!loaded.has('sharp'), 'sharp');
  for (const chunk of [...loaded].filter((name) => name.startsWith('./'))) {
    // A message of Ajv's own core (node_modules/ajv/dist/core.js), which the schema compiler carries.
    assert.doesNotMatch(await readFile(join(APP_DIR, chunk.slice(2)), 'utf8'), /schema with key or id/, chunk);
  }
});
