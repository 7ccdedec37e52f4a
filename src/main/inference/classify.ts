import { performance } from 'node:perf_hooks';
import type { OnnxSignature } from '../model/model-description.js';
import type { ModelManifest } from '../../shared/model-manifest.js';
import type { Prediction, PredictTiming } from '../../shared/slot-api.js';
import type { PreparedImage } from './input-tensor.js';
import { topK } from './scores.js';

/** The answer of one classification. */
export interface Classification {
  predictions: Prediction[];
  timing: PredictTiming;
}

/** The raw output tensor of one model run. */
export interface ModelOutput {
  values: Float32Array;
  dims: number[];
}

/** The ONNX tensor names a loaded model reads and writes. */
/** A loaded model that can classify images: in this thread (ModelSession) or in a worker (WorkerModel). */
export interface Classifier {
  readonly manifest: ModelManifest;
  readonly loadedAt: Date;
  /** The input and output the model is fed and read by, as the ONNX model declares them. */
  readonly signature: OnnxSignature;
  classify(image: Uint8Array, top: number, maxInputPixels?: number): Promise<Classification>;
  /** Decodes an encoded image into this model's input tensor. */
  prepare(image: Uint8Array, maxInputPixels?: number): Promise<PreparedImage>;
  /** Probabilities (softmaxed when the model gives logits) for a prepared tensor. */
  scoresFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<Float64Array>;
  /** The model's own output for a prepared tensor (what the Open Inference Protocol returns). */
  outputFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<ModelOutput>;
  release(): Promise<void>;
}

/** Decode and preprocess in this thread with `prepare`, score with `scoresFor`, rank, and time each step. */
export async function classifyImage(
  model: Pick<Classifier, 'manifest' | 'prepare' | 'scoresFor'>,
  image: Uint8Array,
  top: number,
  maxInputPixels?: number,
): Promise<Classification> {
  const started = performance.now();
  const prepared = await model.prepare(image, maxInputPixels);
  return classifyPrepared(model, prepared, top, started);
}

/** Scores and ranks a tensor that is already prepared (by this process or a client); `started` is when preparing began. */
export async function classifyPrepared(
  model: Pick<Classifier, 'manifest' | 'scoresFor'>,
  prepared: Pick<PreparedImage, 'data' | 'dims'>,
  top: number,
  started = performance.now(),
): Promise<Classification> {
  const preprocessed = performance.now();
  const scores = await model.scoresFor(prepared);
  const inferred = performance.now();
  return {
    predictions: rankScores(model.manifest, scores, top),
    timing: {
      preprocess: roundMs(preprocessed - started),
      inference: roundMs(inferred - preprocessed),
      total: roundMs(performance.now() - started),
    },
  };
}

/** The `top` best classes with their names, best first. */
export function rankScores(manifest: ModelManifest, scores: Float64Array, top: number): Prediction[] {
  return topK(scores, top).map((index) => {
    const label = manifest.labels[index]!;
    return { label: label.id, breed_en: label.en, breed_ko: label.ko, score: scores[index]! };
  });
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
