import { performance } from 'node:perf_hooks';
import type { ModelManifest } from '../../shared/model-manifest.js';
import type { Prediction, PredictTiming } from '../../shared/slot-api.js';
import { prepareImage, type PreparedImage } from './preprocess.js';
import { topK } from './scores.js';

/** The answer of one classification. */
export interface Classification {
  predictions: Prediction[];
  timing: PredictTiming;
}

/** A loaded model that can classify images: in this thread (ModelSession) or in a worker (WorkerModel). */
export interface Classifier {
  readonly manifest: ModelManifest;
  readonly loadedAt: Date;
  classify(image: Uint8Array, top: number, maxInputPixels?: number): Promise<Classification>;
  /** Probabilities (softmaxed when the model gives logits) for a prepared tensor. */
  scoresFor(prepared: Pick<PreparedImage, 'data' | 'dims'>): Promise<Float64Array>;
  release(): Promise<void>;
}

/** Decode and preprocess in this thread, score with `scoresFor`, rank, and time each step. */
export async function classifyImage(
  model: Pick<Classifier, 'manifest' | 'scoresFor'>,
  image: Uint8Array,
  top: number,
  maxInputPixels?: number,
): Promise<Classification> {
  const started = performance.now();
  const prepared = await prepareImage(image, model.manifest.input, maxInputPixels);
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
