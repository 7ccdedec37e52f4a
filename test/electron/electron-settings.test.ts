import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openAppHost } from '../../src/main/electron/app-host.js';
import { electronStoreOptions, openElectronSettings, type ElectronStoreClass } from '../../src/main/electron/electron-settings.js';
import { utilityProcessLauncher } from '../../src/main/electron/utility-process-launcher.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { BUNDLED_WEIGHTS_DIR } from '../../src/main/host/data-dir.js';
import { openSettings, settingsFileOptions } from '../../src/main/settings/settings-store.js';
import { createFakeElectron } from '../fakes/electron.js';
import { useFakeElectronModule } from '../fakes/use-fake-electron-module.js';
import { tempDir } from '../helpers/temp-dir.js';

// The real electron-store, which imports `electron`: that import gets the fake module here.
useFakeElectronModule();
const { default: ElectronStore } = await import('electron-store');
const Store = ElectronStore as unknown as ElectronStoreClass;

describe('electronStoreOptions', () => {
  test('the same folder and file name as the headless settings; the schema is checked by the shared store code, not compiled by electron-store', () => {
    const options = electronStoreOptions('/data');
    assert.equal(options.cwd, '/data');
    assert.equal(options.name, 'settings');
    assert.equal('schema' in options, false);
    assert.equal((options as Record<string, unknown>).configName, undefined);
  });
});

describe('openElectronSettings (real electron-store)', () => {
  test('opens <dataDir>/settings.json, the file `litecnn serve` uses', async () => {
    const dataDir = await tempDir();
    const store = openElectronSettings(dataDir, Store);
    assert.equal(store.path, join(dataDir, 'settings.json'));
  });

  test('what the app saves, the CLI reads, and the other way round', async () => {
    const dataDir = await tempDir();
    openElectronSettings(dataDir, Store).set('autoDeploy', false);
    assert.equal(openSettings(dataDir).get('autoDeploy'), false);
    openSettings(dataDir).set('tobePort', 9892);
    const app = openElectronSettings(dataDir, Store);
    assert.equal(app.get('tobePort'), 9892);
    assert.equal(app.all().autoDeploy, false);
    assert.equal(app.all().asisPort, 8891, 'defaults fill the rest');
  });

  test('a value outside the schema is refused with SETTINGS_INVALID', async () => {
    const store = openElectronSettings(await tempDir(), Store);
    assert.throws(() => store.set('asisPort', 70000), (error: unknown) => error instanceof LiteCnnError && error.code === 'SETTINGS_INVALID');
  });

  test('a damaged settings file is SETTINGS_INVALID naming the file, not silently reset', async () => {
    const dataDir = await tempDir();
    const file = join(dataDir, 'settings.json');
    await writeFile(file, JSON.stringify({ asisPort: 'eighty' }));
    assert.throws(() => openElectronSettings(dataDir, Store), (error: unknown) => error instanceof LiteCnnError && error.code === 'SETTINGS_INVALID' && error.subject === file);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).asisPort, 'eighty');
  });

  test('why the options are translated: conf’s own options would make electron-store write config.json', async () => {
    const dataDir = await tempDir();
    const naive = new Store({ ...settingsFileOptions(dataDir) } as never);
    assert.equal(naive.path, join(dataDir, 'config.json'));
  });
});

describe('openAppHost', () => {
  test('seeds the data dir from the bundled weights, reads the shared settings file, and offers the app\'s open dialog', async () => {
    const dataDir = await tempDir();
    openSettings(dataDir).set('asisPort', 9891);
    const launcher = utilityProcessLauncher(createFakeElectron().electron.utilityProcess);
    const choosePath = async (choice: string): Promise<string> => `/Users/me/chosen-${choice}`;
    const host = await openAppHost({ dataDir, bundledWeightsDir: BUNDLED_WEIGHTS_DIR, launcher, choosePath }, Store, { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' });
    assert.equal(host.dataDir, dataDir);
    assert.equal(host.settings.asisPort, 9891);
    await access(join(dataDir, 'weights', 'model_8891.bin'));
    await access(join(dataDir, 'weights', 'model_8892.bin'));
    assert.equal((await host.status()).host.pathDialog, true);
    assert.equal(await host.choosePath('gate-set'), '/Users/me/chosen-gate-set');
  });
});
