import { performance } from 'node:perf_hooks';
import { LiteCnnError } from '../errors.js';

/**
 * Bounds a slot's work so that load never turns into unbounded memory: at most `maxActive`
 * classifications run at once and at most `maxWaiting` more wait their turn; requests beyond
 * that (counted from the moment they arrive, so their bodies are never read) are refused at once
 * with 503 and Retry-After.
 */
export class AdmissionGate {
  #admitted = 0;
  #active = 0;
  #idleSince: number | null = performance.now();
  readonly #waiting: (() => void)[] = [];

  constructor(readonly maxActive: number, readonly maxWaiting: number) {}

  /** Lets a request in, or throws BUSY; call the returned function (any number of times) when it is done. */
  admit(): () => void {
    if (this.#admitted >= this.maxActive + this.maxWaiting) throw this.#busy();
    this.#admitted++;
    this.#idleSince = null;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#admitted--;
      if (this.#admitted === 0) this.#idleSince = performance.now();
    };
  }

  /** Runs `work` when one of the `maxActive` places is free; throws BUSY when too many already wait. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active < this.maxActive) this.#active++;
    else if (this.#waiting.length < this.maxWaiting) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else throw this.#busy();
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** Since when (performance.now()) no admitted request has been in progress; null while one is. */
  get idleSince(): number | null {
    return this.#idleSince;
  }

  get load(): { admitted: number; active: number; waiting: number } {
    return { admitted: this.#admitted, active: this.#active, waiting: this.#waiting.length };
  }

  #busy(): LiteCnnError {
    return new LiteCnnError('BUSY', `The slot is busy: ${this.maxActive} images are being classified and ${this.maxWaiting} more are waiting. Retry in a second, or raise maxConcurrentInferences / maxQueuedRequests.`, { httpStatus: 503, retryAfterSeconds: 1 });
  }
}
