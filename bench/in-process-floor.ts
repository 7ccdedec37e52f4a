import { performance } from 'node:perf_hooks';
import type { Classification } from '../src/main/inference/classify.js';
import type { ModelSession } from '../src/main/inference/model-session.js';
import { startCpuMeter, type CpuShares } from './cpu-meter.js';
import type { BenchImage } from './images.js';

const TOP = 5;

/** Sequential `ModelSession.classify` calls: each call's latency and its own timing split. */
export interface SequentialSample {
  latencies: number[];
  timings: Classification['timing'][];
  seconds: number;
  cpu: CpuShares;
}

/** Calls kept in flight for a while: how many completed, in how long, at what CPU use. */
export interface ConcurrentSample {
  completed: number;
  seconds: number;
  cpu: CpuShares;
}

/** The top-1 label of one call, also a warm-up. */
export async function floorTop1(session: ModelSession, image: BenchImage): Promise<string> {
  const { predictions } = await session.classify(image.bytes, TOP);
  return predictions[0]!.label;
}

/** `iterations` classify calls on the image bytes, one at a time, in this process (no HTTP). */
export async function sequentialFloor(session: ModelSession, image: BenchImage, iterations: number): Promise<SequentialSample> {
  const stopCpuMeter = await startCpuMeter();
  const began = performance.now();
  const latencies: number[] = [];
  const timings: Classification['timing'][] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const { timing } = await session.classify(image.bytes, TOP);
    latencies.push(performance.now() - started);
    timings.push(timing);
  }
  const seconds = (performance.now() - began) / 1000;
  return { latencies, timings, seconds, cpu: await stopCpuMeter() };
}

/** Keeps `concurrency` classify calls in flight in this process for `durationMs`. */
export async function concurrentFloor(session: ModelSession, image: BenchImage, concurrency: number, durationMs: number): Promise<ConcurrentSample> {
  const stopCpuMeter = await startCpuMeter();
  const started = performance.now();
  const deadline = started + durationMs;
  let completed = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await session.classify(image.bytes, TOP);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { completed, seconds, cpu: await stopCpuMeter() };
}
