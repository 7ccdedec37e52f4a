import { Worker } from 'node:worker_threads';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import { classifyImage, type Classification, type Classifier } from './classify.js';
import type { PreparedImage } from './preprocess.js';
import type { BundleSource, InferenceWorkerData, WorkerError, WorkerToMainMessage } from './worker-messages.js';

const WORKER_ENTRY = new URL('./inference-worker.js', import.meta.url);
const RELEASE_GRACE_MS = 2_000;

/**
 * A model served from its own worker thread: images are decoded here (sharp works off-thread
 * anyway), tensors are handed to the worker without copying, and its scores come back.
 */
export class WorkerModel implements Classifier {
  readonly manifest: ModelManifest;
  readonly loadedAt: Date;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (scores: Float64Array) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #released = false;

  private constructor(worker: Worker, manifest: ModelManifest, loadedAt: Date) {
    this.#worker = worker;
    this.manifest = manifest;
    this.loadedAt = loadedAt;
    worker.on('message', (message: WorkerToMainMessage) => {
      if (message.type !== 'scores' && message.type !== 'error') return;
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.type === 'scores') waiter?.resolve(message.scores);
      else waiter?.reject(toError(message.error));
    });
    const failAll = (why: string): void => {
      for (const waiter of this.#pending.values()) waiter.reject(new LiteCnnError('INTERNAL', why, { httpStatus: 500 }));
      this.#pending.clear();
    };
    worker.on('error', (error) => failAll(`The inference thread failed: ${error.message}`));
    worker.on('exit', () => failAll('The inference thread stopped.'));
  }

  /**
   * Starts a worker, loads and warms up the model there; resolves once it is ready to serve.
   * With `graphCacheDataDir`, the session goes through that data dir's optimised-graph cache.
   */
  static start(source: BundleSource, subject: string, graphCacheDataDir?: string): Promise<WorkerModel> {
    const workerData: InferenceWorkerData = { source, subject, ...(graphCacheDataDir ? { graphCacheDataDir } : {}) };
    const transferList = 'bytes' in source ? [source.bytes.buffer as ArrayBuffer] : [];
    const worker = new Worker(WORKER_ENTRY, { workerData, transferList });
    return new Promise((resolve, reject) => {
      const onExit = (code: number): void => reject(new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: the inference thread exited (code ${code}) while loading the model.`, { subject }));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerToMainMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (message.type === 'ready') resolve(new WorkerModel(worker, message.manifest, new Date(message.loadedAt)));
        else if (message.type === 'failed') {
          void worker.terminate();
          reject(toError(message.error, subject));
        }
      });
    });
  }

  classify(image: Uint8Array, top: number, maxInputPixels?: number): Promise<Classification> {
    return classifyImage(this, image, top, maxInputPixels);
  }

  scoresFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<Float64Array> {
    if (this.#released) return Promise.reject(new LiteCnnError('NOT_READY', 'This model has been unloaded.', { httpStatus: 503 }));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'run', id, data: prepared.data, dims: prepared.dims }, [prepared.data.buffer as ArrayBuffer]);
    });
  }

  /** Frees the session and ends the thread. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage({ type: 'release' });
    const timer = setTimeout(() => void this.#worker.terminate(), RELEASE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

function toError(error: WorkerError, subject?: string): LiteCnnError {
  return new LiteCnnError(error.code, error.message, { httpStatus: error.httpStatus, ...(subject ? { subject } : {}) });
}
