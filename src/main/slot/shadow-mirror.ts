import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ModelSummary } from '../../shared/model-manifest.js';
import type { Prediction, PredictResponse, ShadowSample, ShadowStats } from '../../shared/slot-api.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import { ReusableBuffers } from './reusable-buffers.js';
import { ShadowImages } from './shadow-images.js';
import { ShadowTargetPause, type TargetPauseOptions } from './shadow-target-pause.js';
import { postTensorOrImage, type SlotAnswer, type SlotEndpoint } from '../http/slot-endpoint.js';

/** Where and how much AS-IS traffic is mirrored to TO-BE. */
export interface ShadowConfig {
  /** Share of AS-IS `/predict` requests mirrored, 0-100. */
  percent: number;
  /** Keep the images the two models disagree on (the user opted in); else only their hashes. */
  keepImages: boolean;
  /** TO-BE, when it serves. */
  target: SlotEndpoint | null;
  /** TO-BE's process, held still while AS-IS serves a client (ShadowTargetPause); null: never paused. */
  targetPid: number | null;
}

/** A sampled request: what AS-IS answered, and what to send TO-BE (its tensor when the input specs match). */
export interface MirrorTicket {
  image: Uint8Array;
  tensor: { data: Float32Array; specKey: string } | null;
  /** Gives the image's memory back to whoever lent it, once the mirror is answered or dropped. */
  giveBackImage: () => void;
}

/** What became of one sampled request. */
export type ShadowOutcome = 'mirrored' | 'agreed' | 'disagreed' | 'failed' | 'dropped';

/** Sampled requests that may wait for their turn; more are dropped (and counted) rather than pile up behind a slow TO-BE. */
export const MAX_MIRRORS_WAITING = 4;
/**
 * How long AS-IS must have had no request in progress before a mirror goes. A client that sends
 * its next request within this of the last answer is keeping AS-IS busy; a mirror started in that
 * gap would overlap the next request, so it waits for a real pause (or is dropped) instead.
 */
export const MIRROR_IDLE_GAP_MS = 5;
const SAMPLES_KEPT = 20;
/** Free tensor copies kept for the next sampled requests: the waiting and in-flight ones' 224x224 tensors. */
const MIRROR_BUFFERS_KEPT_BYTES = 8 * 1024 * 1024;

/**
 * Shadow mode on the AS-IS slot: after AS-IS has answered, a sampled share of its `/predict`
 * requests go to TO-BE too, and the two top-1 answers are compared. Production comes first: a
 * sampled request waits until AS-IS has had no request in progress for MIRROR_IDLE_GAP_MS, one
 * mirror is in flight at a time, and at most MAX_MIRRORS_WAITING wait (beyond that they are
 * dropped and counted). While one is in flight, TO-BE is held still while AS-IS serves a client
 * (ShadowTargetPause).
 */
export class ShadowMirror {
  #config: ShadowConfig = { percent: 0, keepImages: false, target: null, targetPid: null };
  readonly #images: ShadowImages;
  readonly #buffers = new ReusableBuffers(MIRROR_BUFFERS_KEPT_BYTES);
  readonly #pause: ShadowTargetPause;
  readonly #random: () => number;
  readonly #samples: ShadowSample[] = [];
  #inFlight = 0;
  readonly #waiting: { ticket: MirrorTicket; asis: PredictResponse }[] = [];
  #idleSince: () => number | null = () => Number.NEGATIVE_INFINITY;
  readonly #idleGapMs: number;
  #wakeTimer: NodeJS.Timeout | null = null;
  #targetSpecKey: string | null = null;
  /** The two models the counts are about (sha256 of each); a promote or deploy starts them afresh. */
  #pair: { asis: ModelSummary; tobe: ModelSummary; since: string } | null = null;
  readonly #counts: Record<ShadowOutcome, number> = { mirrored: 0, agreed: 0, disagreed: 0, failed: 0, dropped: 0 };
  readonly #onOutcome: (outcome: ShadowOutcome) => void;

  constructor(dataDir: string, options: { onOutcome?: (outcome: ShadowOutcome) => void; random?: () => number; idleGapMs?: number; pause?: TargetPauseOptions } = {}) {
    this.#images = new ShadowImages(dataDir);
    this.#pause = new ShadowTargetPause(options.pause);
    this.#onOutcome = options.onOutcome ?? (() => undefined);
    this.#random = options.random ?? Math.random;
    this.#idleGapMs = options.idleGapMs ?? MIRROR_IDLE_GAP_MS;
  }

  configure(config: ShadowConfig): void {
    this.#config = config;
    this.#targetSpecKey = config.target?.input ? inputSpecKey(config.target.input) : null;
    const mirroring = config.target !== null && config.percent > 0;
    this.#pause.target(mirroring ? config.targetPid : null);
    if (!mirroring) this.#dropWaiting();
  }

  /**
   * Whether this request is one of the sampled share (decided before AS-IS runs it, so it can keep
   * its tensor). One that could not wait for its turn is dropped here, before anything is copied.
   */
  sample(): boolean {
    const { percent, target } = this.#config;
    if (target === null || percent <= 0 || this.#random() * 100 >= percent) return false;
    if (this.#waiting.length < MAX_MIRRORS_WAITING) return true;
    this.#count('dropped');
    return false;
  }

  /**
   * A sampled request's ticket: its image itself, lent until the mirror is answered or dropped
   * (`giveBackImage` then returns it: a 12 MP upload is not copied), and, when TO-BE takes AS-IS's
   * tensor, a copy of the tensor (made before AS-IS's inference moves it to its worker) in buffers
   * reused from one mirror to the next.
   */
  ticket(image: Uint8Array, tensor: { data: Float32Array; specKey: string } | null, giveBackImage: () => void): MirrorTicket {
    if (!tensor) return { image, tensor: null, giveBackImage };
    const data = this.#buffers.takeFloats(tensor.data.length);
    data.set(tensor.data);
    return { image, tensor: { data, specKey: tensor.specKey }, giveBackImage };
  }

  /** The input spec of TO-BE's model as `inputSpecKey`, so AS-IS keeps its tensor when theirs is the same. */
  get targetSpecKey(): string | null {
    return this.#targetSpecKey;
  }

  /** Since when (performance.now()) AS-IS has had no request in progress, null while it has (its admission gate). */
  useIdleSince(idleSince: () => number | null): void {
    this.#idleSince = idleSince;
  }

  /** A client's request has arrived at AS-IS (TO-BE is held still meanwhile); call the returned function when it ends. */
  clientRequest(): () => void {
    return this.#pause.clientRequest();
  }

  /** Lets TO-BE go on if it is held still; AS-IS calls it as it exits. */
  releaseTarget(): void {
    this.#pause.resume();
  }

  /** Queues the sampled request for TO-BE (call once AS-IS's response is sent); it goes when AS-IS is idle. */
  mirror(ticket: MirrorTicket, asis: PredictResponse): void {
    if (this.#waiting.length >= MAX_MIRRORS_WAITING) {
      this.#release(ticket);
      this.#count('dropped');
      return;
    }
    this.#waiting.push({ ticket, asis });
    this.wake();
  }

  /** Sends the next waiting mirror once AS-IS has been idle long enough and none is in flight; call when an AS-IS request ends. */
  wake(): void {
    const target = this.#config.target;
    if (!target) {
      this.#dropWaiting();
      return;
    }
    const idleSince = this.#idleSince();
    if (this.#inFlight > 0 || this.#waiting.length === 0 || idleSince === null) return;
    const pauseLeftMs = idleSince + this.#idleGapMs - performance.now();
    if (pauseLeftMs > 0) {
      this.#wakeLater(pauseLeftMs);
      return;
    }
    const { ticket, asis } = this.#waiting.shift()!;
    this.#inFlight++;
    this.#count('mirrored');
    this.#pause.mirrorStarted();
    void postTensorOrImage({ ...target, source: 'shadow' }, ticket.image, ticket.tensor, 1).finally(() => this.#pause.mirrorEnded()).then(
      (answer) => this.#compare(ticket, asis, answer),
      () => this.#count('failed'),
    ).finally(() => {
      this.#release(ticket);
      this.#inFlight--;
      this.wake();
    });
  }

  /** One timer at a time: AS-IS's pause can only have begun later since, so an early wake just looks again. */
  #wakeLater(delayMs: number): void {
    if (this.#wakeTimer) return;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null;
      this.wake();
    }, Math.ceil(delayMs));
    this.#wakeTimer.unref();
  }

  stats(): ShadowStats {
    const { mirrored, agreed, disagreed, failed, dropped } = this.#counts;
    return {
      models: this.#pair,
      percent: this.#config.percent,
      keepImages: this.#config.keepImages,
      targetReady: this.#config.target !== null,
      mirrored, agreed, disagreed, failed, dropped,
      agreementRate: agreed + disagreed > 0 ? agreed / (agreed + disagreed) : null,
      samples: [...this.#samples],
      targetPauses: this.#pause.stats(),
    };
  }

  async #compare(ticket: MirrorTicket, asis: PredictResponse, answer: SlotAnswer): Promise<void> {
    if (answer.status !== 200) {
      this.#count('failed');
      return;
    }
    const tobeAnswer = answer.body as PredictResponse;
    this.#startPair(asis.model, tobeAnswer.model);
    const tobe = tobeAnswer.predictions[0]!;
    const mine = asis.predictions[0]!;
    if (tobe.label === mine.label) {
      this.#count('agreed');
      return;
    }
    const imageSha256 = createHash('sha256').update(ticket.image).digest('hex');
    const imageFile = this.#config.keepImages ? await this.#images.keep(imageSha256, ticket.image) : null;
    // Counted together with its sample, so no reader sees a disagreement whose sample is still being kept.
    this.#samples.unshift({ at: new Date().toISOString(), imageSha256, asis: top(mine), tobe: top(tobe), imageFile });
    this.#samples.length = Math.min(this.#samples.length, SAMPLES_KEPT);
    this.#count('disagreed');
  }

  /** Starts the counts afresh when either model is not the one they are about. */
  #startPair(asis: ModelSummary, tobe: ModelSummary): void {
    if (this.#pair && this.#pair.asis.sha256 === asis.sha256 && this.#pair.tobe.sha256 === tobe.sha256) return;
    const first = this.#pair === null;
    this.#pair = { asis: summaryOf(asis), tobe: summaryOf(tobe), since: new Date().toISOString() };
    if (first) return;
    Object.assign(this.#counts, { mirrored: 1, agreed: 0, disagreed: 0, failed: 0, dropped: 0 });
    this.#samples.length = 0;
  }

  #dropWaiting(): void {
    for (const { ticket } of this.#waiting.splice(0)) {
      this.#release(ticket);
      this.#count('dropped');
    }
  }

  #release(ticket: MirrorTicket): void {
    ticket.giveBackImage();
    this.#buffers.give(ticket.tensor?.data);
  }

  #count(outcome: ShadowOutcome): void {
    this.#counts[outcome]++;
    this.#onOutcome(outcome);
  }
}

function summaryOf(model: ModelSummary): ModelSummary {
  return { name: model.name, version: model.version, sha256: model.sha256 };
}

function top(prediction: Prediction): Prediction {
  return { label: prediction.label, breed_en: prediction.breed_en, breed_ko: prediction.breed_ko, score: prediction.score };
}
