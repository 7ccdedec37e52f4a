import { pooledCpuShares, type CpuShares } from './cpu-meter.js';
import type { LoadSample } from './http-load.js';
import type { ConcurrentSample, SequentialSample } from './in-process-floor.js';
import { median, summarise, type LatencySummary } from './stats.js';

/** What the model costs with no HTTP at all: `ModelSession.classify` on the same image bytes. */
export interface FloorResult {
  /** Sequential calls, one at a time. */
  latency: LatencySummary;
  /** classify()'s own split of the sequential calls (p50): decode + resize, and the session run. */
  preprocessP50: number;
  inferenceP50: number;
  sequentialCpu: CpuShares;
  /** Completed classifications per second with `concurrency` calls in flight in one process. */
  maxThroughput: number;
  concurrency: number;
  throughputCpu: CpuShares;
  /** The top-1 answer, to check that HTTP answers the same. */
  top1: string;
}

/** One concurrency level over HTTP, pooled over its runs. */
export interface HttpResult {
  connections: number;
  runs: number;
  latency: LatencySummary;
  /** The slot's own `timing_ms` of the same answers (p50): classify() inside the slot, without HTTP. */
  slotClassify: LatencySummary;
  slotPreprocessP50: number;
  slotInferenceP50: number;
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** `ownPercent` is the load generator's. */
  cpu: CpuShares;
}

/** Pools the floor's sequential and concurrent samples. */
export function summariseFloor(top1: string, sequential: readonly SequentialSample[], concurrent: readonly ConcurrentSample[], concurrency: number): FloorResult {
  const timings = sequential.flatMap((sample) => sample.timings);
  const completed = concurrent.reduce((sum, sample) => sum + sample.completed, 0);
  const seconds = concurrent.reduce((sum, sample) => sum + sample.seconds, 0);
  return {
    latency: summarise(sequential.flatMap((sample) => sample.latencies)),
    preprocessP50: median(timings.map((t) => t.preprocess)),
    inferenceP50: median(timings.map((t) => t.inference)),
    sequentialCpu: pooledCpuShares(sequential),
    maxThroughput: completed / seconds,
    concurrency,
    throughputCpu: pooledCpuShares(concurrent),
    top1,
  };
}

/** Pools the runs of one concurrency level. */
export function summariseLoad(samples: readonly LoadSample[]): HttpResult {
  const timings = samples.flatMap((sample) => sample.slotTimings);
  const latencies = samples.flatMap((sample) => sample.latencies);
  const sum = (pick: (sample: LoadSample) => number): number => samples.reduce((total, sample) => total + pick(sample), 0);
  return {
    connections: samples[0]!.connections,
    runs: samples.length,
    latency: summarise(latencies),
    slotClassify: summarise(timings.map((t) => t.total)),
    slotPreprocessP50: median(timings.map((t) => t.preprocess)),
    slotInferenceP50: median(timings.map((t) => t.inference)),
    requestsPerSecond: latencies.length / sum((sample) => sample.seconds),
    non2xx: sum((sample) => sample.non2xx),
    errors: sum((sample) => sample.errors),
    timeouts: sum((sample) => sample.timeouts),
    cpu: pooledCpuShares(samples),
  };
}
