/** Latency summary of one measurement, in milliseconds. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
}

/** The q-quantile (0..1) of `values` by the nearest-rank method. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** p50 and p99 of a set of latencies. */
export function summarise(latenciesMs: readonly number[]): LatencySummary {
  return { samples: latenciesMs.length, p50: percentile(latenciesMs, 0.5), p99: percentile(latenciesMs, 0.99) };
}
