import ort from 'onnxruntime-node';
import type { OnnxSignature, TensorSignature } from '../model/model-description.js';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError, describeError } from '../errors.js';
import type { ModelBundle } from '../model/bundle-format.js';
import { classifyImage, type Classification, type Classifier, type ModelOutput } from './classify.js';
import { inputDims, type PreparedImage } from './input-tensor.js';
import { softmax } from './scores.js';
import { DEFAULT_ONNX_THREADS } from './onnx-threads.js';
import type { OptimizedGraphCache } from './optimized-graph-cache.js';

export interface SessionOptions {
  graphCache?: OptimizedGraphCache;
  onnxThreads?: number;
}

/**
 * One loaded model: an onnxruntime session checked against its manifest and warmed up.
 * `session.run` blocks the JavaScript thread, which is why each slot runs in its own process.
 */
export class ModelSession implements Classifier {
  readonly manifest: ModelManifest;
  readonly loadedAt: Date;
  readonly #session: ort.InferenceSession;
  /** The input and output the session is fed and read by, as the ONNX model declares them (describeModel reads the batch dimension from it). */
  readonly signature: OnnxSignature;

  private constructor(manifest: ModelManifest, session: ort.InferenceSession, signature: OnnxSignature) {
    this.manifest = manifest;
    this.#session = session;
    this.signature = signature;
    this.loadedAt = new Date();
  }

  /**
   * Creates the session (through `graphCache` when given, see OptimizedGraphCache) with
   * `onnxThreads` threads for one run, checks input and output shapes against the manifest, and
   * warms it up.
   */
  static async load(bundle: ModelBundle, subject: string, { graphCache, onnxThreads = DEFAULT_ONNX_THREADS }: SessionOptions = {}): Promise<ModelSession> {
    const { manifest } = bundle;
    let session: ort.InferenceSession;
    try {
      const options: ort.InferenceSession.SessionOptions = { executionMode: 'sequential', intraOpNumThreads: onnxThreads, interOpNumThreads: 1, logSeverityLevel: 3 };
      session = graphCache
        ? await graphCache.createSession(bundle.onnx, manifest.onnx.sha256, options)
        : await ort.InferenceSession.create(bundle.onnx, { ...options, graphOptimizationLevel: 'all' });
    } catch (error) {
      throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: onnxruntime cannot load the model (${describeError(error)}). Export the ONNX model again.`, { subject, httpStatus: 422, cause: error });
    }
    try {
      const signature = {
        input: declared(session, pickName(session.inputNames, manifest.input.name, 'input', subject), 'input'),
        output: declared(session, pickName(session.outputNames, manifest.output.name, 'output', subject), 'output'),
      };
      checkInputShape(signature.input, manifest, subject);
      checkOutputShape(signature.output, manifest, subject);
      const loaded = new ModelSession(manifest, session, signature);
      await loaded.#warmUp(subject);
      return loaded;
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
  }

  /** Decodes, preprocesses and classifies one encoded image, all in this thread. */
  classify(image: Uint8Array, top: number, maxInputPixels?: number): Promise<Classification> {
    return classifyImage(this, image, top, maxInputPixels);
  }

  /**
   * The decoder is imported here, not with this module: an inference worker never decodes, and
   * loading sharp would add about 130 ms of CPU to every worker's start (each slot start and each
   * model swap).
   */
  async prepare(image: Uint8Array, maxInputPixels?: number): Promise<PreparedImage> {
    const { prepareImage } = await import('./preprocess.js');
    return prepareImage(image, this.manifest.input, maxInputPixels);
  }

  /** Runs the model on a prepared tensor; the answer is probabilities, softmaxed when the model gives logits. */
  async scoresFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<Float64Array> {
    const { values } = await this.outputFor(prepared);
    return this.manifest.output.kind === 'logits' ? softmax(values) : Float64Array.from(values);
  }

  /** The model's output tensor for a prepared input, as the model gives it (logits stay logits). */
  async outputFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<ModelOutput> {
    const { input, output: wanted } = this.signature;
    const feeds = { [input.name]: new ort.Tensor('float32', prepared.data, prepared.dims) };
    const results = await this.#session.run(feeds, [wanted.name]);
    const output = results[wanted.name]!;
    // A copy: onnxruntime may own the tensor's memory, which then cannot be moved to another thread.
    return { values: (output.data as Float32Array).slice(), dims: output.dims.map(Number) };
  }

  /** Frees the native session; the object must not be used afterwards. */
  async release(): Promise<void> {
    await this.#session.release();
  }

  async #warmUp(subject: string): Promise<void> {
    const { width, height } = this.manifest.input;
    const dims = inputDims(this.manifest.input);
    let scores: Float64Array;
    try {
      scores = await this.scoresFor({ data: new Float32Array(3 * width * height), dims });
    } catch (error) {
      throw new LiteCnnError('MODEL_INPUT_MISMATCH', `${subject}: the model fails on a ${dims.join('x')} input as the manifest describes (${describeError(error)}). Fix the input size or layout in the preprocessing settings.`, { subject, httpStatus: 422, cause: error });
    }
    if (scores.length !== this.manifest.labels.length) {
      throw new LiteCnnError('MODEL_OUTPUT_MISMATCH', `${subject}: the model outputs ${scores.length} scores but there are ${this.manifest.labels.length} labels. Use the labels the model was trained with.`, { subject, httpStatus: 422 });
    }
    if (!scores.every(Number.isFinite)) {
      throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: the model's warm-up run gave non-finite scores (NaN or Infinity). Export the model again.`, { subject, httpStatus: 422 });
    }
  }
}

function pickName(names: readonly string[], wanted: string | undefined, what: string, subject: string): string {
  if (wanted === undefined) {
    if (names.length === 0) throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: the model has no ${what}.`, { subject, httpStatus: 422 });
    return names[0]!;
  }
  if (!names.includes(wanted)) {
    throw new LiteCnnError(what === 'input' ? 'MODEL_INPUT_MISMATCH' : 'MODEL_OUTPUT_MISMATCH', `${subject}: the manifest names ${what} "${wanted}" but the model's ${what}s are ${names.map((n) => `"${n}"`).join(', ')}.`, { subject, httpStatus: 422 });
  }
  return wanted;
}

/** A tensor's name and declared shape (empty when the model declares none). */
function declared(session: ort.InferenceSession, name: string, kind: 'input' | 'output'): TensorSignature {
  const metadata = (kind === 'input' ? session.inputMetadata : session.outputMetadata).find((m) => m.name === name);
  return { name, shape: metadata?.isTensor ? [...metadata.shape] : [] };
}

function checkInputShape({ name, shape }: TensorSignature, manifest: ModelManifest, subject: string): void {
  if (shape.length === 0) return;
  const { width, height, layout } = manifest.input;
  const expected = layout === 'NCHW' ? [3, height, width] : [height, width, 3];
  const actual = shape.slice(1);
  const agrees = shape.length === 4 && expected.every((dim, i) => typeof actual[i] !== 'number' || actual[i] === dim);
  if (!agrees) {
    throw new LiteCnnError('MODEL_INPUT_MISMATCH', `${subject}: the model's input "${name}" has shape [${shape.join(', ')}] but the manifest describes ${layout} ${width}x${height}x3 ([N, ${expected.join(', ')}]). Fix the input size or layout in the preprocessing settings.`, { subject, httpStatus: 422 });
  }
}

function checkOutputShape({ shape }: TensorSignature, manifest: ModelManifest, subject: string): void {
  const classes = shape.at(-1);
  if (typeof classes === 'number' && classes !== manifest.labels.length) {
    throw new LiteCnnError('MODEL_OUTPUT_MISMATCH', `${subject}: the model outputs ${classes} classes but there are ${manifest.labels.length} labels. Use the labels the model was trained with.`, { subject, httpStatus: 422 });
  }
}
