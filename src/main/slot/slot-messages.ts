import type { ModelSummary } from '../../shared/model-manifest.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { SlotId, SlotInfo } from '../../shared/slot-api.js';
import type { RateLimit } from '../security/client-rate-limit.js';
import type { ShadowConfig } from './shadow-mirror.js';

/** Everything a slot process needs to start serving. */
export interface SlotProcessConfig {
  slot: SlotId;
  /** Name of its log folder; the slot's id unless it is a temporary slot (a deploy candidate). */
  logName?: string;
  host: string;
  /** 0 picks a free port; the slot reports the one it got. */
  port: number;
  bundleFile: string;
  dataDir: string;
  maxUploadBytes: number;
  maxInputPixels: number;
  logLevel: string;
  /** SHA-256s of the tokens the slot accepts (the user's and the host's own); empty: none needed. */
  tokenSha256s: string[];
  /** PEM files: the slot serves HTTPS. */
  tls: { certFile: string; keyFile: string } | null;
  rateLimit: RateLimit;
  maxConcurrentInferences: number;
  /** onnxruntime threads for one run. */
  inferenceThreads: number;
  maxQueuedRequests: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Messages from the host to a slot process. */
export type HostToSlotMessage =
  | { type: 'start'; config: SlotProcessConfig }
  | { type: 'info'; requestId: number }
  | { type: 'swap'; requestId: number; bundleFile: string }
  /** Shadow mode's settings and TO-BE's endpoint (AS-IS only), sent after 'start' and whenever they change. */
  | { type: 'shadow'; shadow: ShadowConfig }
  /** Lower the process's CPU priority to this nice value (TO-BE while it receives shadow traffic). */
  | { type: 'niceness'; niceness: number }
  | { type: 'shutdown' };

/** Messages from a slot process to the host. */
export type SlotToHostMessage =
  | { type: 'listening'; port: number; tlsFingerprint256: string | null }
  | { type: 'ready'; model: ModelSummary; loadedAt: string }
  | { type: 'failed'; error: ErrorBody['error'] }
  | { type: 'info'; requestId: number; info: SlotInfo }
  | { type: 'swapped'; requestId: number; model: ModelSummary; loadedAt: string }
  | { type: 'swap-failed'; requestId: number; error: ErrorBody['error'] };
