import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_WEIGHTS_DIR, defaultDataDir, prepareDataDir, slotBundleFile } from '../../src/main/host/data-dir.js';
import { resolveSlotTargets } from '../../src/main/host/slot-targets.js';
import { tempDir } from '../helpers/temp-dir.js';

test('the first run seeds the data dir from the bundled weights; later runs never overwrite them', async () => {
  const dataDir = await tempDir();
  await prepareDataDir(dataDir);
  const bundled = await readFile(join(BUNDLED_WEIGHTS_DIR, 'model_8891.bin'));
  assert.deepEqual(await readFile(slotBundleFile(dataDir, 'asis')), bundled);
  await writeFile(slotBundleFile(dataDir, 'asis'), 'a user-installed model');
  await prepareDataDir(dataDir);
  assert.equal(await readFile(slotBundleFile(dataDir, 'asis'), 'utf8'), 'a user-installed model');
});

test('the default data dir follows LITECNN_DATA_DIR, then the OS convention', () => {
  assert.equal(defaultDataDir({ LITECNN_DATA_DIR: '/srv/litecnn' }, 'linux'), '/srv/litecnn');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux'), join('/x', 'litecnn-dual'));
  assert.match(defaultDataDir({}, 'darwin'), /Library\/Application Support\/LiteCNN Dual$/);
});

test('slot targets accept names, ports and the old scripts\' ports', () => {
  const ports = { asis: 9001, tobe: 9002 };
  assert.deepEqual(resolveSlotTargets('all', ports), ['asis', 'tobe']);
  assert.deepEqual(resolveSlotTargets('AS-IS', ports), ['asis']);
  assert.deepEqual(resolveSlotTargets('9002', ports), ['tobe']);
  assert.deepEqual(resolveSlotTargets('8891', ports), ['asis']);
  assert.throws(() => resolveSlotTargets('8893', ports), { code: 'UNKNOWN_SLOT', message: /asis, tobe, all/ });
});
