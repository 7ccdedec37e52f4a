import type { ErrorBody } from './errors.js';
import type { ModelInputSpec, ModelSource, ModelSummary } from './model-manifest.js';
import type { SlotId, SlotInfo } from './slot-api.js';
import type { HistoryEntry, ReleaseProgress, WatchStatus } from './release-api.js';
import type { EvalProgress, EvalSummary } from './eval-api.js';

/**
 * The life of a slot process:
 * stopped -> starting -> ready -> stopping -> stopped; `failed` when it cannot start (bad port,
 * damaged weights: not retried); `crashed` when it died unexpectedly (restarted with backoff).
 */
export type SlotState = 'stopped' | 'starting' | 'ready' | 'stopping' | 'failed' | 'crashed';

/** One slot as the host sees it. */
export interface SlotStatus {
  slot: SlotId;
  title: string;
  state: SlotState;
  host: string;
  port: number;
  url: string | null;
  /** Over HTTPS: the SHA-256 fingerprint of the certificate the slot serves (pin it); else null. */
  tlsFingerprint256: string | null;
  /** Whether /predict, /info and /metrics need `Authorization: Bearer`. */
  tokenRequired: boolean;
  pid: number | null;
  bundleFile: string;
  model: ModelSummary | null;
  /** Where the served model came from (its manifest's source), once the slot has answered /info. */
  modelSource: ModelSource | null;
  /** How the served model wants its input (lets the host prepare one tensor for both slots). */
  input: ModelInputSpec | null;
  loadedAt: string | null;
  startedAt: string | null;
  uptimeSeconds: number | null;
  requests: SlotInfo['requests'] | null;
  latencyMs: SlotInfo['latencyMs'] | null;
  memory: SlotInfo['memory'] | null;
  /** Shadow mode as AS-IS counts it (null on TO-BE, or when the slot is not running). */
  shadow: SlotInfo['shadow'];
  error: ErrorBody['error'] | null;
  restarts: number;
  lastCrash: { at: string; exitCode: number | null; signal: string | null } | null;
}

/** The answer of the control API's `GET /api/status`. */
export interface HostStatus {
  host: {
    pid: number;
    version: string;
    startedAt: string;
    dataDir: string;
    controlUrl: string;
    /** Whether the host can show a native dialog to choose a folder or file (`POST /api/choose-path`): the app can, `litecnn serve` cannot. */
    pathDialog: boolean;
  };
  slots: SlotStatus[];
}

/** What a native open dialog is asked to choose: a folder of images to evaluate, the promotion gate's set, or the GPU server's private key. */
export type PathChoice = 'eval-set' | 'gate-set' | 'gpu-key';
export const PATH_CHOICES: readonly PathChoice[] = ['eval-set', 'gate-set', 'gpu-key'];

/** Shows the app's open dialog for `choice` and answers the chosen path, or null when the user cancelled. */
export type PathChooser = (choice: PathChoice) => Promise<string | null>;

/** What `POST /api/slots/:target/:action` can do. */
export type SlotAction = 'start' | 'stop' | 'restart';
export const SLOT_ACTIONS: readonly SlotAction[] = ['start', 'stop', 'restart'];

/** A live update from the host, sent to dashboards and the CLI as server-sent events. */
export type HostEvent =
  | { type: 'slot-state'; data: { slot: SlotId; state: SlotState; error: ErrorBody['error'] | null } }
  | { type: 'progress'; data: ReleaseProgress | null }
  | { type: 'history'; data: HistoryEntry }
  | { type: 'watch'; data: WatchStatus }
  | { type: 'eval-progress'; data: EvalProgress }
  | { type: 'eval'; data: EvalSummary };

/** One log line as the dashboard shows it. */
export interface LogLine {
  time: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  message: string;
  details: Record<string, unknown>;
}

/** One image through both slots, as the dashboard's compare view shows it. */
export interface CompareResult {
  asis: import('./slot-api.js').PredictResponse | { error: ErrorBody['error'] };
  tobe: import('./slot-api.js').PredictResponse | { error: ErrorBody['error'] };
  /** Whether both slots' top-1 labels are the same; null when a slot gave no answer. */
  agree: boolean | null;
  /** Milliseconds the host spent decoding the image (once, for both slots); null when the slots decoded it themselves. */
  prepareMs: number | null;
}

/** The answer of `PUT /api/settings`. */
export interface SettingsUpdate {
  settings: import('./settings.js').Settings;
  /** Changed keys that take effect only when a slot (or the host) restarts. */
  restartNeeded: string[];
}
