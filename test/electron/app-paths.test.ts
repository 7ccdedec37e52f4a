import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appPaths } from '../../src/main/electron/app-paths.js';
import { BUNDLED_WEIGHTS_DIR } from '../../src/main/host/data-dir.js';

const userData = '/Users/me/Library/Application Support/LiteCNN Dual';

describe('appPaths', () => {
  test('from the repository (`npm start`): the repo’s weights and build/ icons', () => {
    const paths = appPaths({ isPackaged: false, appPath: '/src/litecnn', userData, resourcesPath: '/node_modules/electron/dist/Electron.app/Contents/Resources', env: {} });
    assert.deepEqual(paths, { dataDir: userData, bundledWeightsDir: BUNDLED_WEIGHTS_DIR, trayIcon: '/src/litecnn/build/trayTemplate.png' });
  });

  test('packaged: weights and icons are plain files in Contents/Resources, outside app.asar', () => {
    const resources = '/Applications/LiteCNN Dual.app/Contents/Resources';
    const paths = appPaths({ isPackaged: true, appPath: `${resources}/app.asar`, userData, resourcesPath: resources, env: {} });
    assert.deepEqual(paths, { dataDir: userData, bundledWeightsDir: `${resources}/weights`, trayIcon: `${resources}/icons/trayTemplate.png` });
  });

  test('LITECNN_DATA_DIR wins, as it does for every litecnn command', () => {
    assert.equal(appPaths({ isPackaged: true, appPath: '/a', userData, resourcesPath: '/r', env: { LITECNN_DATA_DIR: '/srv/litecnn' } }).dataDir, '/srv/litecnn');
    assert.equal(appPaths({ isPackaged: true, appPath: '/a', userData, resourcesPath: '/r', env: { LITECNN_DATA_DIR: '' } }).dataDir, userData);
  });
});
