import { DISAGREEMENTS_KEPT, type EvalClassStats, type EvalDisagreement, type EvalModelStats, type EvalSummary } from '../../shared/eval-api.js';
import type { ModelSummary } from '../../shared/model-manifest.js';
import type { SlotId } from '../../shared/slot-api.js';
import { classInTop } from './class-names.js';
import type { EvalAnswer, EvalImageRow } from './eval-csv.js';
import { LatencyHistogram } from './latency-histogram.js';

/** Everything about an evaluation that is not counted from its images. */
export type EvalMeta = Pick<EvalSummary, 'id' | 'setDir' | 'setName' | 'state' | 'error' | 'startedAt' | 'finishedAt' | 'setFingerprint'>;

/** A model an evaluation asks, and the SHA-256 of the whole bundle it is served from when known. */
export interface TalliedModel {
  model: ModelSummary;
  bundleSha256?: string | undefined;
}

class ModelTally {
  answered = 0;
  failed = 0;
  labelledAnswered = 0;
  top1Correct = 0;
  top5Correct = 0;
  readonly latency = new LatencyHistogram();

  constructor(readonly slot: SlotId, readonly served: TalliedModel) {}

  add(answer: EvalAnswer, trueClass: string | null): boolean {
    if ('error' in answer) {
      this.failed++;
      return false;
    }
    this.answered++;
    this.latency.add(answer.ms);
    if (trueClass === null) return false;
    this.labelledAnswered++;
    const top1 = classInTop(trueClass, answer.predictions, 1);
    if (top1) this.top1Correct++;
    if (classInTop(trueClass, answer.predictions, 5)) this.top5Correct++;
    return top1;
  }

  stats(): EvalModelStats {
    const rate = (correct: number): number | null => (this.labelledAnswered ? correct / this.labelledAnswered : null);
    return {
      slot: this.slot,
      model: this.served.model,
      bundleSha256: this.served.bundleSha256 ?? null,
      answered: this.answered,
      failed: this.failed,
      top1Correct: this.top1Correct,
      top5Correct: this.top5Correct,
      top1Accuracy: rate(this.top1Correct),
      top5Accuracy: rate(this.top5Correct),
      latency: this.latency.summary(),
    };
  }
}

/**
 * The running counts of an evaluation: per model, per class, agreement, latency histograms and
 * the first disagreements. Its size depends on the number of classes, not of images.
 */
export class EvalTally {
  readonly #asis: ModelTally;
  readonly #tobe: ModelTally;
  readonly #classes = new Map<string, EvalClassStats>();
  readonly #disagreements: EvalDisagreement[] = [];
  readonly #decode = new LatencyHistogram();
  #images = 0;
  #labelled = 0;
  #unreadable = 0;
  #compared = 0;
  #agreed = 0;
  #disagreementsTotal = 0;

  constructor(models: Record<SlotId, TalliedModel>) {
    this.#asis = new ModelTally('asis', models.asis);
    this.#tobe = new ModelTally('tobe', models.tobe);
  }

  get images(): number {
    return this.#images;
  }

  /** Whether this row is a disagreement the summary will keep (so a thumbnail is worth making). */
  keepsDisagreement(row: EvalImageRow): boolean {
    return row.agree === false && this.#disagreements.length < DISAGREEMENTS_KEPT;
  }

  add(row: EvalImageRow, thumbnail: string | null = null): void {
    this.#images++;
    if (row.decodeMs !== null) this.#decode.add(row.decodeMs);
    else if ('error' in row.asis && 'error' in row.tobe) this.#unreadable++;
    if (row.trueClass !== null) this.#labelled++;
    const asisRight = this.#asis.add(row.asis, row.trueClass);
    const tobeRight = this.#tobe.add(row.tobe, row.trueClass);
    if (row.trueClass !== null) {
      const counts = this.#classes.get(row.trueClass) ?? { name: row.trueClass, images: 0, asisTop1Correct: 0, tobeTop1Correct: 0 };
      counts.images++;
      if (asisRight) counts.asisTop1Correct++;
      if (tobeRight) counts.tobeTop1Correct++;
      this.#classes.set(row.trueClass, counts);
    }
    if (row.agree === null) return;
    this.#compared++;
    if (row.agree) {
      this.#agreed++;
      return;
    }
    this.#disagreementsTotal++;
    if (this.#disagreements.length < DISAGREEMENTS_KEPT && 'predictions' in row.asis && 'predictions' in row.tobe) {
      this.#disagreements.push({ file: row.file, trueClass: row.trueClass, asis: row.asis.predictions[0]!, tobe: row.tobe.predictions[0]!, thumbnail });
    }
  }

  summary(meta: EvalMeta): EvalSummary {
    return {
      ...meta,
      images: this.#images,
      labelled: this.#labelled,
      unreadable: this.#unreadable,
      asis: this.#asis.stats(),
      tobe: this.#tobe.stats(),
      agreement: { compared: this.#compared, agreed: this.#agreed, rate: this.#compared ? this.#agreed / this.#compared : null },
      classes: [...this.#classes.values()].sort((a, b) => a.name.localeCompare(b.name)),
      disagreements: [...this.#disagreements],
      disagreementsTotal: this.#disagreementsTotal,
      decodeP50Ms: this.#decode.summary().p50Ms,
      unknownClasses: [],
    };
  }
}
