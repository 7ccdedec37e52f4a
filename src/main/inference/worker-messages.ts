import type { ErrorCode } from '../../shared/errors.js';
import type { OnnxSignature } from '../model/model-description.js';
import type { ModelManifest } from '../../shared/model-manifest.js';

/** Where the worker gets its bundle: a file it reads itself, or bytes handed over. */
export type BundleSource = { file: string } | { bytes: Uint8Array };

export interface LoadRequest {
  source: BundleSource;
  subject: string;
  /** Data dir whose optimised-graph cache the worker uses, if any. */
  graphCacheDataDir?: string;
  onnxThreads?: number;
}

export interface WorkerError {
  code: ErrorCode;
  message: string;
  httpStatus: number;
}

export type MainToWorkerMessage =
  | ({ type: 'load' } & LoadRequest)
  /** `raw`: answer with the model's output tensor ('output') instead of probabilities ('scores'). */
  | { type: 'run'; id: number; data: Float32Array; dims: [number, number, number, number]; raw?: boolean }
  | { type: 'release' }
  | { type: 'exit' };

export type WorkerToMainMessage =
  | { type: 'ready'; manifest: ModelManifest; loadedAt: string; signature: OnnxSignature }
  | { type: 'failed'; error: WorkerError }
  | { type: 'scores'; id: number; scores: Float64Array }
  | { type: 'output'; id: number; values: Float32Array; dims: number[] }
  | { type: 'error'; id: number; error: WorkerError };
