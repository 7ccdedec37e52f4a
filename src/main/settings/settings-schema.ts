import { schemaValidator } from '../schema-validator.js';
import type { Settings } from '../../shared/settings.js';
import { LiteCnnError } from '../errors.js';
import { DEFAULT_ONNX_THREADS } from '../inference/onnx-threads.js';

export type { Settings };

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  host: '127.0.0.1',
  asisHost: '',
  tobeHost: '',
  asisPort: 8891,
  tobePort: 8892,
  asisTokenSha256: '',
  tobeTokenSha256: '',
  asisTlsCert: '',
  asisTlsKey: '',
  tobeTlsCert: '',
  tobeTlsKey: '',
  rateLimitPerSecond: 0,
  rateLimitBurst: 100,
  controlRateLimitPerSecond: 20,
  controlRateLimitBurst: 60,
  inferenceThreads: DEFAULT_ONNX_THREADS,
  maxConcurrentInferences: 4,
  maxQueuedRequests: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
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
  evaluationsKept: 200,
  shadowPercent: 0,
  shadowKeepImages: false,
  promotionGateSet: '',
  promotionGateMaxDrop: 0.01,
  promotionGateMaxLatencyFactor: 1.5,
  deployGateMinimum: 0,
};

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const tokenHash = { type: 'string', pattern: '^([0-9a-f]{64})?$' } as const;

/** JSON schema of each setting. */
export const SETTINGS_SCHEMA = {
  host: { type: 'string', minLength: 1 },
  asisHost: { type: 'string', pattern: '^[^\\s]*$' },
  tobeHost: { type: 'string', pattern: '^[^\\s]*$' },
  asisPort: port,
  tobePort: port,
  asisTokenSha256: tokenHash,
  tobeTokenSha256: tokenHash,
  asisTlsCert: { type: 'string' },
  asisTlsKey: { type: 'string' },
  tobeTlsCert: { type: 'string' },
  tobeTlsKey: { type: 'string' },
  rateLimitPerSecond: { type: 'number', minimum: 0, maximum: 1_000_000 },
  rateLimitBurst: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  controlRateLimitPerSecond: { type: 'number', minimum: 0, maximum: 1_000_000 },
  controlRateLimitBurst: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  inferenceThreads: { type: 'integer', minimum: 1, maximum: 64 },
  maxConcurrentInferences: { type: 'integer', minimum: 1, maximum: 256 },
  maxQueuedRequests: { type: 'integer', minimum: 0, maximum: 100_000 },
  headersTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
  requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
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
  evaluationsKept: { type: 'integer', minimum: 1, maximum: 100000 },
  shadowPercent: { type: 'number', minimum: 0, maximum: 100 },
  shadowKeepImages: { type: 'boolean' },
  promotionGateSet: { type: 'string', pattern: '^(/[^\\n\\r\\u0000]*)?$' },
  promotionGateMaxDrop: { type: 'number', minimum: 0, maximum: 1 },
  promotionGateMaxLatencyFactor: { type: 'number', minimum: 1, maximum: 1000 },
  deployGateMinimum: { type: 'number', minimum: 0, maximum: 1 },
} as const;

export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

const validateSettings = schemaValidator('settings-change', { type: 'object', additionalProperties: false, properties: SETTINGS_SCHEMA });
/** A settings file's whole content: keys it does not know are left alone (another version may have written them). */
const validateSettingsFile = schemaValidator('settings-file', { type: 'object', properties: SETTINGS_SCHEMA });

/** What is wrong with a settings file's content, worded as conf words it; empty when nothing is. */
export function settingsFileProblems(content: unknown): string[] {
  if (validateSettingsFile(content)) return [];
  return validateSettingsFile.errors.map(({ instancePath, message = '' }) => `\`${instancePath.slice(1)}\` ${message}`);
}

/** Checks a partial settings change against the schema; throws SETTINGS_INVALID listing every problem. */
export function checkSettingsChange(change: Partial<Settings>): Partial<Settings> {
  if (!validateSettings(change)) {
    const problems = validateSettings.errors.map((e) => `${e.instancePath.slice(1) || (e.params as { additionalProperty?: string }).additionalProperty || 'settings'} ${e.message ?? 'is invalid'}`);
    throw new LiteCnnError('SETTINGS_INVALID', `Invalid settings: ${problems.join('; ')}.`, { httpStatus: 400 });
  }
  return change;
}
