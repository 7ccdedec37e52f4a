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
  /** `input`: the run's input tensor, handed back for the next image. */
  | { type: 'scores'; id: number; scores: Float64Array; input: Float32Array }
  | { type: 'output'; id: number; values: Float32Array; dims: number[]; input: Float32Array }
  | { type: 'error'; id: number; error: WorkerError };
