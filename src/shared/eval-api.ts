import type { ModelSummary } from './model-manifest.js';
import type { Prediction, SlotId } from './slot-api.js';

/** Latencies of one model over an evaluation, summarised in fixed buckets (memory does not grow with the set). */
export interface LatencySummary {
  count: number;
  meanMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Bucket upper bounds in ms (ascending) and how many samples fell at or below each (and above the previous). */
  buckets: { upperMs: number; count: number }[];
}

/** How one model did on an evaluation set. */
export interface EvalModelStats {
  slot: SlotId;
  model: ModelSummary;
  /** SHA-256 of the whole bundle served (model, preprocessing and labels), when the host could read it. */
  bundleSha256: string | null;
  /** Images the model answered. */
  answered: number;
  /** Images the model failed on (with an error). */
  failed: number;
  /** Of the labelled images the model answered: how many had the true class first / in the top 5. */
  top1Correct: number;
  top5Correct: number;
  /** top1Correct / labelled answered; null when the set has no labels. */
  top1Accuracy: number | null;
  top5Accuracy: number | null;
  /** Milliseconds the slot spent per image (its `timing_ms.total`; the host decodes the image and sends the tensor). */
  latency: LatencySummary;
}

/** One class (a labelled subfolder) of an evaluation set. */
export interface EvalClassStats {
  /** The subfolder's name as written. */
  name: string;
  images: number;
  asisTop1Correct: number;
  tobeTop1Correct: number;
}

/** An image the two models answered differently. */
export interface EvalDisagreement {
  /** Path relative to the set's folder. */
  file: string;
  /** The subfolder's name when labelled, else null. */
  trueClass: string | null;
  asis: Prediction;
  tobe: Prediction;
  /** File name of a small JPEG thumbnail inside the evaluation's `thumbnails/` folder, when one was made. */
  thumbnail: string | null;
}

export type EvalState = 'running' | 'done' | 'failed' | 'cancelled';

/** One stored evaluation: `DATA/evals/<id>/summary.json`. */
export interface EvalSummary {
  id: string;
  /** Absolute path of the evaluated folder. */
  setDir: string;
  /** The folder's base name, how people name the set. */
  setName: string;
  state: EvalState;
  /** Why a failed evaluation stopped. */
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Image files seen, and of those: with a class folder, unreadable by both (decode failed). */
  images: number;
  labelled: number;
  unreadable: number;
  asis: EvalModelStats;
  tobe: EvalModelStats;
  /** Images both models answered, and of those how many had the same top-1 class. */
  agreement: { compared: number; agreed: number; rate: number | null };
  /** Per labelled class, in name order. */
  classes: EvalClassStats[];
  /** The first disagreements (at most `DISAGREEMENTS_KEPT`), and how many there were in all. */
  disagreements: EvalDisagreement[];
  disagreementsTotal: number;
  /** Median milliseconds the host spent decoding and preprocessing one image (once for both models). */
  decodeP50Ms: number | null;
  /** Subfolders that name no label of either model: their images count as unlabelled. */
  unknownClasses: string[];
  /** SHA-256 over the set's image files (path, size, modification time) when the evaluation began. */
  setFingerprint: string;
}

/** How many disagreements an evaluation keeps in its summary (all of them are in results.csv). */
export const DISAGREEMENTS_KEPT = 200;

/** Progress of a running evaluation, as a live event. */
export interface EvalProgress {
  id: string;
  setName: string;
  done: number;
  /** Image files in the set. */
  found: number;
}
