import type { ModelManifest } from '../../shared/model-manifest.js';
import type { OnnxSignature } from '../model/model-description.js';
import { LiteCnnError } from '../errors.js';
import { classifyImage, type Classification, type Classifier, type ModelOutput } from './classify.js';
import { InferenceThread, toLiteCnnError } from './inference-thread.js';
import { inputLength, type PreparedImage } from './input-tensor.js';
import { prepareImage } from './preprocess.js';
import type { BundleSource, WorkerToMainMessage } from './worker-messages.js';

/** How many input tensors the worker has handed back are kept for the next images. */
const SPARE_INPUTS_KEPT = 2;

/**
 * A model served from its own worker thread: images are decoded here (sharp works off-thread
 * anyway), tensors are handed to the worker without copying, and its scores come back with the
 * tensor, which a later image is written into (a fresh 600 KB array is zeroed and page-faulted
 * in on every request: a third of the main thread's time in normalise() at one request in flight).
 */
export class WorkerModel implements Classifier {
  readonly manifest: ModelManifest;
  readonly loadedAt: Date;
  readonly #thread: InferenceThread;
  readonly signature: OnnxSignature;
  readonly #pending = new Map<number, { resolve: (answer: Float64Array | ModelOutput) => void; reject: (error: Error) => void }>();
  readonly #spareInputs: Float32Array[] = [];
  #nextId = 1;
  #released = false;

  private constructor(thread: InferenceThread, loaded: { manifest: ModelManifest; loadedAt: Date; signature: OnnxSignature }) {
    this.#thread = thread;
    this.manifest = loaded.manifest;
    this.loadedAt = loaded.loadedAt;
    this.signature = loaded.signature;
    thread.worker.on('message', this.#onMessage);
    thread.worker.on('error', this.#onError);
    thread.worker.on('exit', this.#onExit);
  }

  /**
   * Loads and warms up the model in a new worker thread; resolves once it is ready to serve. With
   * `graphCacheDataDir`, the session goes through that data dir's optimised-graph cache.
   */
  static async start(source: BundleSource, subject: string, options: { graphCacheDataDir?: string | undefined; onnxThreads?: number } = {}): Promise<WorkerModel> {
    const { graphCacheDataDir, onnxThreads } = options;
    const thread = InferenceThread.spawn();
    try {
      const loaded = await thread.load({ source, subject, ...(graphCacheDataDir ? { graphCacheDataDir } : {}), ...(onnxThreads ? { onnxThreads } : {}) });
      return new WorkerModel(thread, loaded);
    } catch (error) {
      void thread.end();
      throw error;
    }
  }

  classify(image: Uint8Array, top: number, maxInputPixels?: number): Promise<Classification> {
    return classifyImage(this, image, top, maxInputPixels);
  }

  /** Decodes in this thread, into a tensor the worker handed back when one is kept. */
  prepare(image: Uint8Array, maxInputPixels?: number): Promise<PreparedImage> {
    return prepareImage(image, this.manifest.input, maxInputPixels, this.#spareInputs.pop());
  }

  /** Probabilities for a prepared tensor, whose buffer is moved to the worker (unusable here afterwards). */
  scoresFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<Float64Array> {
    return this.#run(prepared, false) as Promise<Float64Array>;
  }

  /** The model's own output for a prepared tensor, whose buffer is moved to the worker. */
  outputFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<ModelOutput> {
    return this.#run(prepared, true) as Promise<ModelOutput>;
  }

  #run(prepared: Pick<PreparedImage, 'data' | 'dims'>, raw: boolean): Promise<Float64Array | ModelOutput> {
    if (this.#released) return Promise.reject(new LiteCnnError('NOT_READY', 'This model has been unloaded.', { httpStatus: 503 }));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#thread.post({ type: 'run', id, data: prepared.data, dims: prepared.dims, ...(raw ? { raw } : {}) }, [prepared.data.buffer as ArrayBuffer]);
    });
  }

  /** Frees the session and ends its thread (an idle thread with onnxruntime loaded holds about 20 MB). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#thread.worker.off('message', this.#onMessage);
    this.#thread.worker.off('error', this.#onError);
    this.#thread.worker.off('exit', this.#onExit);
    this.#failAll('This model has been unloaded.');
    await this.#thread.end();
  }

  readonly #onMessage = (message: WorkerToMainMessage): void => {
    if (message.type !== 'scores' && message.type !== 'output' && message.type !== 'error') return;
    const waiter = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    // Only one image's tensor is kept: a batch's (an Open Inference request's) may be far larger.
    if (message.type !== 'error' && message.input.length === inputLength(this.manifest.input) && this.#spareInputs.length < SPARE_INPUTS_KEPT) this.#spareInputs.push(message.input);
    if (message.type === 'scores') waiter?.resolve(message.scores);
    else if (message.type === 'output') waiter?.resolve({ values: message.values, dims: message.dims });
    else waiter?.reject(toLiteCnnError(message.error));
  };

  readonly #onError = (error: Error): void => this.#failAll(`The inference thread failed: ${error.message}`);

  readonly #onExit = (): void => this.#failAll('The inference thread stopped.');

  #failAll(why: string): void {
    for (const waiter of this.#pending.values()) waiter.reject(new LiteCnnError('INTERNAL', why, { httpStatus: 500 }));
    this.#pending.clear();
  }
}
