import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** How steady the machine's CPU capacity is: work done by all cores in a series of short windows. */
export interface CpuSteadiness {
  windows: number;
  windowMs: number;
  /** Work in the slowest and the median window, as a share of the fastest (1 = steady). */
  minShare: number;
  medianShare: number;
}

// Plain CommonJS for `eval: true` workers: spins on arithmetic for the asked time, answers how much it did.
const SPINNER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (ms) => {
  const end = Date.now() + ms;
  let rounds = 0;
  while (Date.now() < end) {
    let x = 0;
    for (let i = 0; i < 10000; i++) x += Math.sqrt(i);
    if (x > 0) rounds++;
  }
  parentPort.postMessage(rounds);
});`;

/**
 * Keeps every core busy for `windows` windows of `windowMs` and compares the work per window. On a
 * dedicated machine the windows agree within a few percent; on a shared or throttled VM they do not,
 * and figures measured seconds apart are not comparable at that precision.
 */
export async function measureCpuSteadiness(windows = 10, windowMs = 500): Promise<CpuSteadiness> {
  const workers = Array.from({ length: os.cpus().length }, () => new Worker(SPINNER, { eval: true }));
  try {
    const work: number[] = [];
    for (let i = 0; i < windows; i++) {
      const rounds = await Promise.all(workers.map((worker) => new Promise<number>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(windowMs);
      })));
      work.push(rounds.reduce((sum, r) => sum + r, 0));
    }
    const sorted = [...work].sort((a, b) => a - b);
    const best = sorted.at(-1)!;
    return { windows, windowMs, minShare: sorted[0]! / best, medianShare: sorted[Math.floor(sorted.length / 2)]! / best };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
