/** Persistent host settings (`settings.json` in the data dir). Command-line flags override them per run. */
export interface Settings {
  /** Address both slot servers listen on. */
  host: string;
  asisPort: number;
  tobePort: number;
  /** Port of the control API (always on 127.0.0.1). */
  controlPort: number;
  /** Largest accepted upload, in bytes. */
  maxUploadBytes: number;
  /** Largest accepted image, in pixels, checked before decoding. */
  maxInputPixels: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  host: '127.0.0.1',
  asisPort: 8891,
  tobePort: 8892,
  controlPort: 8890,
  maxUploadBytes: 20 * 1024 * 1024,
  maxInputPixels: 100_000_000,
  logLevel: 'info',
};

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;

/** JSON schema of each setting, in the form conf and electron-store take. */
export const SETTINGS_SCHEMA = {
  host: { type: 'string', minLength: 1 },
  asisPort: port,
  tobePort: port,
  controlPort: port,
  maxUploadBytes: { type: 'integer', minimum: 1024, maximum: 1024 * 1024 * 1024 },
  maxInputPixels: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
  logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
} as const;

export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];
