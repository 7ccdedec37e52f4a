import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

interface LockFile { packages: Record<string, { hasInstallScript?: boolean }> }

test('allowScripts decides on every dependency with an install script, and denies onnxruntime-node\'s CUDA download', async () => {
  const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as LockFile;
  const { allowScripts } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.includes('onnxruntime-node'), 'the lock file lists install scripts');
  assert.deepEqual(withScripts.filter((name) => typeof allowScripts?.[name] !== 'boolean'), [], 'npm ci warns of every package allowScripts does not cover');
  assert.equal(allowScripts?.['onnxruntime-node'], false);
});

test('no project .npmrc: npm warns of keys it does not know, on every command', async () => {
  await assert.rejects(access(join(REPO_ROOT, '.npmrc')), { code: 'ENOENT' });
});
