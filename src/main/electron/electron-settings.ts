import { join } from 'node:path';
import type ElectronStore from 'electron-store';
import type { Options as ElectronStoreOptions } from 'electron-store';
import type { Settings } from '../settings/settings-schema.js';
import { settingsFileOptions, settingsStoreOn, type SettingsStore } from '../settings/settings-store.js';

/**
 * The electron-store class. It is passed in rather than imported because electron-store imports
 * `electron` at load time, which plain Node (every test) cannot do.
 */
export type ElectronStoreClass = new (options: ElectronStoreOptions<Settings>) => ElectronStore<Settings>;

/** The options that make electron-store open the very file `litecnn serve` uses: `<dataDir>/settings.json`, same schema. */
export function electronStoreOptions(dataDir: string): ElectronStoreOptions<Settings> {
  const { configName, ...shared } = settingsFileOptions(dataDir);
  // electron-store names the file after `name` and overwrites conf's `configName` with it.
  return { ...shared, name: configName };
}

/** Opens `<dataDir>/settings.json` with electron-store, behind the SettingsStore interface the host uses. */
export function openElectronSettings(dataDir: string, Store: ElectronStoreClass): SettingsStore {
  return settingsStoreOn(join(dataDir, 'settings.json'), () => new Store(electronStoreOptions(dataDir)));
}
