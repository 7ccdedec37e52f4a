import type { LatencySummary } from '../../shared/eval-api.js';

const SMALLEST_MS = 0.1;
/** Each bucket's upper bound is this much above the previous one: percentiles are within 5%. */
const GROWTH = 1.05;
const BUCKETS = Math.ceil(Math.log(600_000 / SMALLEST_MS) / Math.log(GROWTH)) + 1;

/**
 * Latencies in fixed logarithmic buckets (0.1 ms to 10 minutes, 5% apart): memory stays the same
 * whether it holds ten samples or ten million.
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #max = 0;

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const index = ms <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / SMALLEST_MS) / Math.log(GROWTH)));
    this.#counts[index]!++;
    this.#count++;
    this.#sum += ms;
    this.#max = Math.max(this.#max, ms);
  }

  /** The `q` quantile (0..1): the upper bound of the bucket it falls in, never above the largest sample. */
  quantile(q: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(upperBound(i), this.#max);
    }
    return this.#max;
  }

  summary(): LatencySummary {
    const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000) / 1000);
    const buckets: LatencySummary['buckets'] = [];
    this.#counts.forEach((count, i) => {
      if (count > 0) buckets.push({ upperMs: round(upperBound(i))!, count });
    });
    return {
      count: this.#count,
      meanMs: round(this.#count ? this.#sum / this.#count : null),
      p50Ms: round(this.quantile(0.5)),
      p90Ms: round(this.quantile(0.9)),
      p99Ms: round(this.quantile(0.99)),
      maxMs: round(this.#count ? this.#max : null),
      buckets,
    };
  }
}

function upperBound(index: number): number {
  return SMALLEST_MS * GROWTH ** index;
}
