import type { ErrorBody } from './errors.js';
import type { ModelSummary } from './model-manifest.js';
import type { SlotId } from './slot-api.js';

/** What changed a slot's model. */
export type ReleaseAction = 'deploy' | 'promote' | 'rollback';

/** Who asked for it. */
export type ReleaseTrigger = 'watcher' | 'cli' | 'app' | 'api';

/** A model version as history and status name it. */
export interface VersionRef {
  version: string;
  /** sha256 of the ONNX model. */
  sha256: string;
  /** sha256 of the whole bundle file: the key of weights/history. */
  bundleSha256: string;
  runId?: string;
}

/** One line of the append-only release history (`history.jsonl`), shown newest first. */
export interface HistoryEntry {
  id: string;
  time: string;
  action: ReleaseAction;
  slot: SlotId;
  trigger: ReleaseTrigger;
  outcome: 'success' | 'failed' | 'noop';
  /** The version the slot serves after a success, or the one that was tried. */
  to?: VersionRef;
  /** The version it replaced. */
  from?: VersionRef;
  tag?: string;
  reason?: string;
  /** Why it failed, and at which step. */
  error?: ErrorBody['error'] & { step?: DeployStep | ReleaseStep };
  /** Set when a crash interrupted the operation and the host finished the record on restart. */
  recovered?: boolean;
  /** A promote's gate verdict (when a gate is set), and whether it was forced past a failing one. */
  gate?: GateRecord;
}

/** One check of the promotion gate on an evaluation set. */
export interface GateCheck {
  name: 'accuracy' | 'agreement' | 'latency' | 'failures';
  passed: boolean;
  /** AS-IS's and TO-BE's figure (a rate, milliseconds or a count); agreement has TO-BE's only. */
  asis: number | null;
  tobe: number | null;
  /** What TO-BE's figure had to be, in words. */
  limit: string;
}

/** Whether TO-BE may replace AS-IS, with the evidence: an evaluation of both on the gate's set. */
export interface GateVerdict {
  setDir: string;
  evaluationId: string;
  evaluatedAt: string;
  passed: boolean;
  checks: GateCheck[];
  asis: ModelSummary;
  tobe: ModelSummary;
}

/** A gate verdict as a promote records it. */
export interface GateRecord extends GateVerdict {
  /** Promoted although the gate failed, with the reason the person gave. */
  forced: boolean;
  forcedReason?: string;
}

/** The steps of a deploy, in order. */
export type DeployStep = 'connect' | 'find-run' | 'identify' | 'download' | 'verify' | 'pack' | 'validate' | 'gate';
/** The steps every release operation ends with. */
export type ReleaseStep = 'archive' | 'install' | 'swap' | 'record';

/** A live progress report of a running release operation. */
export interface ReleaseProgress {
  operation: ReleaseAction;
  slot: SlotId;
  step: DeployStep | ReleaseStep;
  /** Download progress, when the step moves bytes. */
  bytes?: number;
  total?: number;
  percent?: number;
  file?: string;
}

/** The answer of a deploy. */
export interface DeployResult {
  outcome: 'deployed' | 'up-to-date' | 'dry-run';
  run: { id: string; completedAt: string; metrics?: Record<string, unknown> } | null;
  entry: HistoryEntry | null;
  message: string;
}

/** The watcher's status. */
export interface WatchStatus {
  enabled: boolean;
  configured: boolean;
  intervalMinutes: number;
  checking: boolean;
  lastCheck: { at: string; outcome: 'deployed' | 'up-to-date' | 'failed'; message: string } | null;
  nextCheckAt: string | null;
  consecutiveFailures: number;
  progress: ReleaseProgress | null;
}

/** Whether the host can keep the GPU key passphrase (the app, in the OS keychain) and whether it has one. */
export interface GpuPassphraseStatus {
  storable: boolean;
  stored: boolean;
  where: string;
}

/** What `litecnn gpu test` shows. */
export interface GpuCheck {
  target: string;
  hostKey: string;
  pinned: boolean;
  runsDir: string;
  newestRun: { id: string; completedAt: string; metrics?: Record<string, unknown> } | null;
  completeRuns: number;
}
