import Conf from 'conf';
import { join } from 'node:path';
import { LiteCnnError, describeError } from '../errors.js';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, SETTING_KEYS, type SettingKey, type Settings } from './settings-schema.js';

/** Where settings live; electron-store in the app and conf headless implement it on the same file. */
export interface SettingsStore {
  readonly path: string;
  get<K extends SettingKey>(key: K): Settings[K];
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
  all(): Settings;
}

/** The options both conf and electron-store are opened with, so they share one file and schema. */
export function settingsFileOptions(dataDir: string) {
  return {
    cwd: dataDir,
    configName: 'settings',
    schema: SETTINGS_SCHEMA,
    defaults: DEFAULT_SETTINGS,
    clearInvalidConfig: false,
  } as const;
}

/** The get/set/path surface conf and electron-store share. */
export interface SettingsFile {
  readonly path: string;
  get<K extends SettingKey>(key: K): Settings[K];
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
}

/** Opens a settings file (conf or electron-store) as a SettingsStore; schema violations become SETTINGS_INVALID. */
export function settingsStoreOn(file: string, open: () => SettingsFile): SettingsStore {
  let store: SettingsFile;
  try {
    store = open();
  } catch (error) {
    throw new LiteCnnError('SETTINGS_INVALID', `${file}: ${describeError(error)}. Fix the value with \`litecnn config set KEY VALUE\` or delete the file to go back to the defaults.`, { subject: file, httpStatus: 422 });
  }
  return {
    path: store.path,
    get: (key) => store.get(key),
    set: (key, value) => {
      try {
        store.set(key, value);
      } catch (error) {
        throw new LiteCnnError('SETTINGS_INVALID', `Cannot set ${key} to ${JSON.stringify(value)}: ${describeError(error)}.`, { subject: key, httpStatus: 422 });
      }
    },
    all: () => Object.fromEntries(SETTING_KEYS.map((key) => [key, store.get(key)])) as unknown as Settings,
  };
}

/** Opens `<dataDir>/settings.json` with conf (headless mode and tests). */
export function openSettings(dataDir: string): SettingsStore {
  return settingsStoreOn(join(dataDir, 'settings.json'), () => new Conf<Settings>({ ...settingsFileOptions(dataDir), projectName: 'litecnn-dual', defaults: { ...DEFAULT_SETTINGS } }));
}
