import Conf from 'conf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LiteCnnError, describeError, isErrnoError } from '../errors.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, settingsFileProblems, type SettingKey, type Settings } from './settings-schema.js';

/** Where settings live; electron-store in the app and conf headless implement it on the same file. */
export interface SettingsStore {
  readonly path: string;
  get<K extends SettingKey>(key: K): Settings[K];
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
  all(): Settings;
}

/**
 * The options both conf and electron-store are opened with, so they share one file. The schema is
 * checked here (settingsStoreOn) with the build's generated code, not by conf: conf compiling it
 * with Ajv cost every `litecnn` start 40-60 ms of CPU (docs/footprint.md).
 */
export function settingsFileOptions(dataDir: string) {
  return {
    cwd: dataDir,
    configName: 'settings',
    defaults: DEFAULT_SETTINGS,
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
  checkContent(readContent(file));
  let store: SettingsFile;
  try {
    store = open();
  } catch (error) {
    throw invalid(error);
  }
  const content = (): Settings => {
    let current: object;
    try {
      current = store.store;
    } catch (error) {
      throw invalid(error);
    }
    checkContent(current);
    return { ...DEFAULT_SETTINGS, ...current };
  };
  /** Throws SETTINGS_INVALID naming the file when `candidate` breaks the schema. */
  function checkContent(candidate: unknown): void {
    const problems = settingsFileProblems(candidate);
    if (problems.length > 0) throw invalid(new Error(`Config schema violation: ${problems.join('; ')}`));
  }
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

/** A settings file's content before conf opens it (conf writes the defaults into it); {} when there is none yet. */
function readContent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) return {};
    throw new LiteCnnError('SETTINGS_INVALID', `${file} cannot be read (${describeError(error)}).`, { subject: file, httpStatus: 422 });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LiteCnnError('SETTINGS_INVALID', `${file}: ${describeError(error)}. Fix the file or delete it to go back to the defaults.`, { subject: file, httpStatus: 422 });
  }
}

/** Opens `<dataDir>/settings.json` with conf (headless mode and tests). */
export function openSettings(dataDir: string): SettingsStore {
  return settingsStoreOn(join(dataDir, 'settings.json'), () => new Conf<Settings>({ ...settingsFileOptions(dataDir), projectName: 'litecnn-dual', defaults: { ...DEFAULT_SETTINGS } }));
}
