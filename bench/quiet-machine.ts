import { otherCpuPercent } from './cpu-meter.js';

const SAMPLE_MS = 500;

/**
 * Waits, before each measurement, for other programs to stop using the CPU, within an overall time
 * budget: on a small machine a concurrent test run would otherwise be measured as the server's cost.
 */
export class QuietMachine {
  readonly thresholdPercent: number;
  readonly budgetMs: number;
  #busyWaitMs = 0;

  constructor(thresholdPercent: number, budgetMs: number) {
    this.thresholdPercent = thresholdPercent;
    this.budgetMs = budgetMs;
  }

  /** Time spent waiting for other programs so far. */
  get busyWaitMs(): number {
    return this.#busyWaitMs;
  }

  /** Returns once other programs' CPU use over a short sample is under the threshold, or the budget is spent. */
  async wait(): Promise<void> {
    for (;;) {
      const other = await otherCpuPercent(SAMPLE_MS);
      if (other === null || other < this.thresholdPercent || this.#busyWaitMs >= this.budgetMs) return;
      this.#busyWaitMs += SAMPLE_MS;
    }
  }
}
