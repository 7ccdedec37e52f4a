import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs as dist/test/electron/electron-imports.test.js; the compiled sources are in dist/src.
const DIST = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join('src', 'main', 'electron', 'electron-main.js');

/** A load of `electron` (or electron-store, which loads it) that survives compilation: `import type` does not. */
const RUNTIME_ELECTRON_IMPORT = [
  /\bfrom\s*['"]electron(?:-store)?['"]/,
  /\bimport\s*['"]electron(?:-store)?['"]/,
  /\bimport\s*\(\s*['"]electron(?:-store)?['"]\s*\)/,
  /\brequire\s*\(\s*['"]electron(?:-store)?['"]\s*\)/,
];

async function compiledFiles(folder: string): Promise<string[]> {
  const names = await readdir(join(DIST, folder), { recursive: true });
  return names.filter((name) => name.endsWith('.js')).map((name) => join(folder, name));
}

async function loadsElectron(file: string): Promise<boolean> {
  const code = await readFile(join(DIST, file), 'utf8');
  return RUNTIME_ELECTRON_IMPORT.some((pattern) => pattern.test(code));
}

describe('Electron stays at the edge', () => {
  test('no compiled module but the entry loads electron or electron-store at run time', async () => {
    const files = [...await compiledFiles(join('src', 'main')), ...await compiledFiles(join('src', 'shared'))];
    assert.ok(files.length > 50, `expected the compiled sources in ${DIST}`);
    assert.ok(files.includes(ENTRY), 'the entry is compiled');
    const offenders = [];
    for (const file of files) if (file !== ENTRY && await loadsElectron(file)) offenders.push(file);
    assert.deepEqual(offenders, [], 'these modules would throw in plain Node (tests, `litecnn serve`): import electron types with `import type`, take the module as a parameter');
  });

  test('the entry does load electron (so the check above looks for the right thing)', async () => {
    assert.equal(await loadsElectron(ENTRY), true);
  });

  test('no test imports the entry', async () => {
    const importsEntry = /(?:from\s*|import\s*\(\s*)['"][^'"]*electron-main\.js['"]/;
    const offenders = [];
    for (const file of await compiledFiles('test')) {
      if (importsEntry.test(await readFile(join(DIST, file), 'utf8'))) offenders.push(file);
    }
    assert.deepEqual(offenders, []);
  });
});
