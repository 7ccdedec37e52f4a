import { Host } from '../host/host.js';
import { prepareDataDir } from '../host/data-dir.js';
import type { PathChooser } from '../../shared/host-api.js';
import type { SlotProcessLauncher } from '../slot/slot-launcher.js';
import { openElectronSettings, type ElectronStoreClass } from './electron-settings.js';
import { keychainPassphrase, type SafeStorageLike } from './keychain-passphrase.js';

/** What the app's host is made of. */
export interface AppHostSetup {
  dataDir: string;
  bundledWeightsDir: string;
  launcher: SlotProcessLauncher;
  /** The app's open dialog, for the dashboard's "Choose…" buttons. */
  choosePath: PathChooser;
}

/**
 * The host the menu-bar app runs: the same data dir, settings file and weights `litecnn serve`
 * would use, its settings opened with electron-store, its slots launched by `launcher`, the GPU key
 * passphrase kept with safeStorage, and paths chosen with the app's open dialog.
 */
export async function openAppHost(setup: AppHostSetup, Store: ElectronStoreClass, safeStorage: SafeStorageLike): Promise<Host> {
  await prepareDataDir(setup.dataDir, setup.bundledWeightsDir);
  const store = openElectronSettings(setup.dataDir, Store);
  return new Host({
    dataDir: setup.dataDir,
    settings: store.all(),
    store,
    launcher: setup.launcher,
    bundledWeightsDir: setup.bundledWeightsDir,
    keyPassphrase: keychainPassphrase(safeStorage, setup.dataDir),
    choosePath: setup.choosePath,
  });
}
