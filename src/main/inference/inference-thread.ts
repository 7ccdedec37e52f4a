import { Worker } from 'node:worker_threads';
import type { OnnxSignature } from '../model/model-description.js';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import type { LoadRequest, MainToWorkerMessage, WorkerError, WorkerToMainMessage } from './worker-messages.js';

/** Set by the build in dist/app's bundles, where the worker is the CommonJS file it names (scripts/build.mjs). */
declare const LITECNN_INFERENCE_WORKER_FILE: string | undefined;
const WORKER_ENTRY = new URL(typeof LITECNN_INFERENCE_WORKER_FILE === 'string' ? LITECNN_INFERENCE_WORKER_FILE : './inference-worker.js', import.meta.url);
const EXIT_GRACE_MS = 2_000;

/** One inference worker thread (inference-worker.ts); it holds at most one model at a time. */
export class InferenceThread {
  readonly worker: Worker;
  #exited = false;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.once('exit', () => {
      this.#exited = true;
    });
    // An 'error' event is followed by 'exit'; without a listener it would throw in this thread.
    worker.on('error', () => undefined);
  }

  /** A thread for the next `spawn` to take, started ahead of time: its onnxruntime loads meanwhile. */
  static #spare: InferenceThread | null = null;

  /** Starts the thread the next `spawn` in this process takes (a slot process calls it as it starts, before it knows its model). */
  static prespawn(): void {
    InferenceThread.#spare ??= new InferenceThread(new Worker(WORKER_ENTRY));
  }

  static spawn(): InferenceThread {
    const spare = InferenceThread.#spare;
    InferenceThread.#spare = null;
    return spare?.alive ? spare : new InferenceThread(new Worker(WORKER_ENTRY));
  }

  get alive(): boolean {
    return !this.#exited;
  }

  post(message: MainToWorkerMessage, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Loads a model into this (empty) thread and warms it up. */
  load(request: LoadRequest): Promise<{ manifest: ModelManifest; loadedAt: Date; signature: OnnxSignature }> {
    const transfer = 'bytes' in request.source ? [request.source.bytes.buffer as ArrayBuffer] : [];
    return this.#reply(
      { type: 'load', ...request },
      transfer,
      (message) => {
        if (message.type === 'ready') return { manifest: message.manifest, loadedAt: new Date(message.loadedAt), signature: message.signature };
        if (message.type === 'failed') throw toLiteCnnError(message.error, request.subject);
        return undefined;
      },
      (code) => new LiteCnnError('MODEL_LOAD_FAILED', `${request.subject}: the inference thread exited (code ${code}) while loading the model.`, { subject: request.subject }),
    );
  }

  /** Ends the thread (after freeing any model it holds). */
  async end(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'release' });
    this.post({ type: 'exit' });
    const timer = setTimeout(() => void this.worker.terminate(), EXIT_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Sends `message` and settles with the first reply `accept` maps to a value (or throws on). */
  #reply<T>(message: MainToWorkerMessage, transfer: ArrayBuffer[], accept: (reply: WorkerToMainMessage) => T | undefined, onExit: (code: number) => Error | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanUp = (): void => {
        this.worker.off('message', onMessage);
        this.worker.off('exit', onExited);
      };
      const onMessage = (reply: WorkerToMainMessage): void => {
        let value: T | undefined;
        try {
          value = accept(reply);
        } catch (error) {
          cleanUp();
          reject(error as Error);
          return;
        }
        if (value === undefined) return;
        cleanUp();
        resolve(value);
      };
      const onExited = (code: number): void => {
        cleanUp();
        reject(onExit(code) ?? new Error(`inference thread exited (code ${code})`));
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', onExited);
      if (this.#exited) onExited(-1);
      else this.post(message, transfer);
    });
  }
}

export function toLiteCnnError(error: WorkerError, subject?: string): LiteCnnError {
  return new LiteCnnError(error.code, error.message, { httpStatus: error.httpStatus, ...(subject ? { subject } : {}) });
}
