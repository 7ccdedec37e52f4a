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
  /** GPU training server: a host name, or a `Host` alias from the SSH config file. Empty: not configured. */
  gpuHost: string;
  /** SSH port; 0 takes it from the SSH config file, else 22. */
  gpuPort: number;
  /** SSH user; empty takes it from the SSH config file, else the local user name. */
  gpuUser: string;
  /** Private key file; empty takes IdentityFile from the SSH config file, else ~/.ssh/id_ed25519 or id_rsa. */
  gpuKeyPath: string;
  /** Authenticate through the running ssh-agent ($SSH_AUTH_SOCK) instead of a key file. */
  gpuUseAgent: boolean;
  /** Folder on the GPU server that holds one sub-folder per training run. */
  gpuRunsDir: string;
  /** The GPU server's pinned host key, as `ssh-keygen -lf` prints it (SHA256:...). */
  gpuHostKeyFingerprint: string;
  /** The SSH config file aliases are resolved in. */
  sshConfigPath: string;
  /** Minutes between checks of the GPU server. */
  pollIntervalMinutes: number;
  /** Whether the watcher deploys new runs to TO-BE by itself. */
  autoDeploy: boolean;
  /** How many replaced model versions are kept in weights/history. */
  historyLimit: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  host: '127.0.0.1',
  asisPort: 8891,
  tobePort: 8892,
  controlPort: 8890,
  maxUploadBytes: 20 * 1024 * 1024,
  maxInputPixels: 100_000_000,
  logLevel: 'info',
  gpuHost: '',
  gpuPort: 0,
  gpuUser: '',
  gpuKeyPath: '',
  gpuUseAgent: false,
  gpuRunsDir: '',
  gpuHostKeyFingerprint: '',
  sshConfigPath: '~/.ssh/config',
  pollIntervalMinutes: 30,
  autoDeploy: true,
  historyLimit: 10,
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
  gpuHost: { type: 'string', pattern: '^[^\\s]*$' },
  gpuPort: port,
  gpuUser: { type: 'string', pattern: '^[^\\s]*$' },
  gpuKeyPath: { type: 'string' },
  gpuUseAgent: { type: 'boolean' },
  gpuRunsDir: { type: 'string', pattern: '^[^\\n\\r\\u0000]*$' },
  gpuHostKeyFingerprint: { type: 'string', pattern: '^(SHA256:[A-Za-z0-9+/]{43})?$' },
  sshConfigPath: { type: 'string' },
  pollIntervalMinutes: { type: 'number', minimum: 0.05, maximum: 10080 },
  autoDeploy: { type: 'boolean' },
  historyLimit: { type: 'integer', minimum: 1, maximum: 1000 },
} as const;

export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];
