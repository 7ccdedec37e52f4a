import type { ErrorBody } from './errors.js';
import type { ModelDescription } from './model-description.js';
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

/** Header LiteCNN's own callers send to say why they ask, so a slot's metrics keep their traffic apart from clients'. */
export const REQUEST_SOURCE_HEADER = 'x-litecnn-source';
/** Who a request to a slot comes from: `client` is everyone else (no header, or an unknown one). */
export const REQUEST_SOURCES = ['client', 'compare', 'eval', 'shadow'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

/** The source a request's `x-litecnn-source` header names; `client` for anything else. */
export function requestSource(header: unknown): RequestSource {
  return (REQUEST_SOURCES as readonly unknown[]).includes(header) ? (header as RequestSource) : 'client';
}

/** The answer of `POST /predict` on either slot. */
export interface PredictResponse {
  predictions: Prediction[];
  model: ModelSummary & { slot: SlotId };
  timing_ms: PredictTiming;
}

/** One request the two models answered differently in shadow mode: hashes and answers, the image only on opt-in. */
export interface ShadowSample {
  at: string;
  imageSha256: string;
  asis: Prediction;
  tobe: Prediction;
  /** File name under the data dir's `shadow/` folder when images are kept (setting shadowKeepImages). */
  imageFile: string | null;
}

/** Shadow mode as the AS-IS slot counts it: since it started, or since either model last changed. */
export interface ShadowStats {
  /** The two models the figures are about, and since when; null before the first comparison. */
  models: { asis: ModelSummary; tobe: ModelSummary; since: string } | null;
  /** Share of AS-IS `/predict` traffic mirrored to TO-BE (setting shadowPercent). */
  percent: number;
  keepImages: boolean;
  /** Whether TO-BE is serving, so mirroring can happen. */
  targetReady: boolean;
  /** Sampled requests sent to TO-BE; of those agreed / disagreed on top-1, or failed. */
  mirrored: number;
  agreed: number;
  disagreed: number;
  failed: number;
  /** Sampled requests not sent because TO-BE was still busy with earlier ones (four in flight). */
  dropped: number;
  agreementRate: number | null;
  /** The newest disagreements, newest first. */
  samples: ShadowSample[];
  /** How often and how long (ms in all) TO-BE was held still while AS-IS served a client and a mirror was in flight. */
  targetPauses: { pauses: number; pausedMs: number };
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
    /** The model as the Open Inference Protocol's metadata, `litecnn inspect` and the Triton export describe it. */
    protocol: ModelDescription;
  }) | null;
  loadedAt: string | null;
  startedAt: string;
  uptimeSeconds: number;
  requests: { total: number; predictions: number; errors: number };
  latencyMs: { p50: number | null; p99: number | null };
  memory: { rssBytes: number; heapUsedBytes: number };
  /** Shadow mode (AS-IS only; null on TO-BE). */
  shadow: ShadowStats | null;
}

export type { ErrorBody };

/** How each slot is named to people. */
export const SLOT_TITLES: Readonly<Record<SlotId, string>> = { asis: 'AS-IS', tobe: 'TO-BE' };
