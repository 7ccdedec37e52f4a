import Conf from 'conf';
import { join } from 'node:path';
import { LiteCnnError, describeError } from '../errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, settingsFileProblems, type SettingKey, type Settings } from './settings-schema.js';

/** Where settings live; electron-store in the app and conf headless implement it on the same file. */
export interface SettingsStore {
  readonly path: string;
  get<K extends SettingKey>(key: K): Settings[K];
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
  all(): Settings;
}

/**
 * The options both conf and electron-store are opened with, so they share one file. Neither gets
 * the schema nor the defaults: settingsStoreOn checks the file with the build's generated code
 * (conf compiling the schema with Ajv cost every `litecnn` start 40-60 ms of CPU, docs/footprint.md)
 * and fills in the defaults as it reads, so conf never writes a file it has not checked, and
 * settings.json holds only what was set.
 */
export function settingsFileOptions(dataDir: string) {
  return {
    cwd: dataDir,
    configName: 'settings',
    clearInvalidConfig: false,
  } as const;
}

/** The get/set/path surface conf and electron-store share. */
export interface SettingsFile {
  readonly path: string;
  /** The file's whole content, read anew. */
  readonly store: object;
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
}

/** Opens a settings file (conf or electron-store) as a SettingsStore; schema violations become SETTINGS_INVALID. */
export function settingsStoreOn(file: string, open: () => SettingsFile): SettingsStore {
  const invalid = (error: unknown): LiteCnnError => new LiteCnnError('SETTINGS_INVALID', `${file}: ${describeError(error)}. Fix the value with \`litecnn config set KEY VALUE\` or delete the file to go back to the defaults.`, { subject: file, httpStatus: 422 });
  let store: SettingsFile;
  try {
    store = open();
  } catch (error) {
    throw invalid(error);
  }
  /** The file's settings, the defaults filling in what it does not set; SETTINGS_INVALID naming the file when it breaks the schema. */
  const content = (): Settings => {
    let current: object;
    try {
      current = store.store;
    } catch (error) {
      throw invalid(error);
    }
    const problems = settingsFileProblems(current);
    if (problems.length > 0) throw invalid(new Error(`Config schema violation: ${problems.join('; ')}`));
    return { ...DEFAULT_SETTINGS, ...current };
  };
  // A file that breaks the schema fails its opening, not a later read.
  content();
  return {
    path: store.path,
    get: (key) => content()[key],
    set: (key, value) => {
      const problems = settingsFileProblems({ ...content(), [key]: value });
      if (problems.length > 0) {
        throw new LiteCnnError('SETTINGS_INVALID', `Cannot set ${key} to ${JSON.stringify(value)}: Config schema violation: ${problems.join('; ')}.`, { subject: key, httpStatus: 422 });
      }
      store.set(key, value);
    },
    all: () => {
      const settings = content();
      return Object.fromEntries(SETTING_KEYS.map((key) => [key, settings[key]])) as unknown as Settings;
    },
  };
}

/** Opens `<dataDir>/settings.json` with conf (headless mode and tests). */
export function openSettings(dataDir: string): SettingsStore {
  return settingsStoreOn(join(dataDir, 'settings.json'), () => new Conf<Settings>({ ...settingsFileOptions(dataDir), projectName: 'litecnn-dual' }));
}
