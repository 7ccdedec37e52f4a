import type { ErrorBody } from './errors.js';
import type { ModelSummary, ModelInputSpec, ModelOutputSpec, ModelSource } from './model-manifest.js';

/** The two slots. AS-IS is production; TO-BE is the experiment. */
export type SlotId = 'asis' | 'tobe';
export const SLOT_IDS: readonly SlotId[] = ['asis', 'tobe'];

/** One ranked class in a `/predict` answer. */
export interface Prediction {
  label: string;
  breed_en: string;
  breed_ko: string;
  /** Probability in 0..1. */
  score: number;
}

/** Milliseconds spent on one request. */
export interface PredictTiming {
  preprocess: number;
  inference: number;
  total: number;
}

/** Content type of a `/predict` body that is an already prepared input tensor (raw little-endian float32). */
export const TENSOR_CONTENT_TYPE = 'application/vnd.litecnn.tensor';
/** Header naming the input spec the tensor was prepared for (the host's `inputSpecKey`). */
export const INPUT_SPEC_HEADER = 'x-litecnn-input-spec';

/** The answer of `POST /predict` on either slot. */
export interface PredictResponse {
  predictions: Prediction[];
  model: ModelSummary & { slot: SlotId };
  timing_ms: PredictTiming;
}

/** The answer of `GET /info` on either slot. */
export interface SlotInfo {
  slot: SlotId;
  port: number;
  pid: number;
  ready: boolean;
  model: (ModelSummary & {
    created: string;
    source: ModelSource;
    input: ModelInputSpec;
    output: ModelOutputSpec;
    labels: number;
  }) | null;
  loadedAt: string | null;
  startedAt: string;
  uptimeSeconds: number;
  requests: { total: number; predictions: number; errors: number };
  latencyMs: { p50: number | null; p99: number | null };
  memory: { rssBytes: number; heapUsedBytes: number };
}

export type { ErrorBody };

/** How each slot is named to people. */
export const SLOT_TITLES: Readonly<Record<SlotId, string>> = { asis: 'AS-IS', tobe: 'TO-BE' };
