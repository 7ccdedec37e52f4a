import { performance } from 'node:perf_hooks';
import { processCpuSeconds } from './cpu-meter.js';

const SAMPLE_MS = 100;
/** Under this (% of one core) a slot has no request left: an idle slot process uses about 1%. */
const IDLE_PERCENT = 10;

/**
 * Waits until a process has stopped working, at most `maxMs`. When a load run ends, the slot is
 * still busy with the requests the load generator abandoned; they must not spill into the next
 * measurement, nor be cut short by a host stop.
 */
export async function waitUntilIdle(pid: number, maxMs = 5000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const before = await processCpuSeconds(pid);
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const after = await processCpuSeconds(pid);
    if (before === null || after === null) return;
    if (((after - before) / ((performance.now() - started) / 1000)) * 100 < IDLE_PERCENT) return;
  }
}
