import { performance } from 'node:perf_hooks';
import type { ShadowStats } from '../../shared/slot-api.js';

/** The longest TO-BE is held still at a time; it then runs at least as long before it is held again. */
export const TARGET_PAUSE_MAX_MS = 250;

/** Sends a signal to a process; `process.kill` unless a test passes its own. */
export type SignalProcess = (pid: number, signal: NodeJS.Signals) => void;

type TargetPauseStats = ShadowStats['targetPauses'];

export interface TargetPauseOptions {
  signal?: SignalProcess;
  maxMs?: number;
  /** Told how long each pause lasted, as TO-BE goes on. */
  onPaused?: (pausedMs: number) => void;
}

/**
 * Holds TO-BE's process still (SIGSTOP) while AS-IS has a request in progress and a mirror is in
 * flight, and lets it go on (SIGCONT) as soon as AS-IS is idle, the mirror ends, or the pause has
 * lasted TARGET_PAUSE_MAX_MS. A lower CPU priority alone still lets TO-BE's decode run on the
 * other core beside AS-IS's, sharing its caches and memory bandwidth; held still, it shares nothing.
 * Only while a mirror to it is in flight, so a pid is never signalled after its process ended (its
 * connection would have failed) and TO-BE's own clients wait only while it works for AS-IS's.
 * Best effort: a process that may not be signalled is not paused.
 */
export class ShadowTargetPause {
  readonly #signal: SignalProcess;
  readonly #maxMs: number;
  #pid: number | null = null;
  #mirrorInFlight = false;
  #asisBusy = false;
  #pausedAt: number | null = null;
  #notBefore = 0;
  #limit: NodeJS.Timeout | null = null;
  readonly #stats: TargetPauseStats = { pauses: 0, pausedMs: 0 };
  readonly #onPaused: (pausedMs: number) => void;

  constructor(options: TargetPauseOptions = {}) {
    this.#signal = options.signal ?? process.kill.bind(process);
    this.#maxMs = options.maxMs ?? TARGET_PAUSE_MAX_MS;
    this.#onPaused = options.onPaused ?? (() => undefined);
  }

  /** TO-BE's process, or null when there is none to pause; a paused one goes on first. */
  target(pid: number | null): void {
    if (pid === this.#pid) return;
    this.resume();
    this.#pid = pid;
  }

  mirrorStarted(): void {
    this.#mirrorInFlight = true;
    this.#pauseIfBoth();
  }

  mirrorEnded(): void {
    this.#mirrorInFlight = false;
    this.resume();
  }

  /** Whether AS-IS has a request in progress (its admission gate: from its arrival to its answer). */
  asisBusy(busy: boolean): void {
    this.#asisBusy = busy;
    if (busy) this.#pauseIfBoth();
    else this.resume();
  }

  /** Lets a paused TO-BE go on (also when AS-IS exits). */
  resume(): void {
    this.#resume(false);
  }

  stats(): TargetPauseStats {
    return { ...this.#stats };
  }

  #resume(limitReached: boolean): void {
    if (this.#pausedAt === null) return;
    const pausedMs = performance.now() - this.#pausedAt;
    this.#pausedAt = null;
    if (this.#limit) clearTimeout(this.#limit);
    this.#limit = null;
    this.#stats.pausedMs += pausedMs;
    if (limitReached) this.#notBefore = performance.now() + this.#maxMs;
    this.#send('SIGCONT');
    this.#onPaused(pausedMs);
  }

  #pauseIfBoth(): void {
    if (this.#pid === null || !this.#mirrorInFlight || !this.#asisBusy || this.#pausedAt !== null) return;
    if (performance.now() < this.#notBefore || !this.#send('SIGSTOP')) return;
    this.#pausedAt = performance.now();
    this.#stats.pauses++;
    this.#limit = setTimeout(() => this.#resume(true), this.#maxMs);
    this.#limit.unref();
  }

  #send(signal: NodeJS.Signals): boolean {
    try {
      this.#signal(this.#pid!, signal);
      return true;
    } catch {
      // Gone, or not ours to signal (EPERM): TO-BE runs as it would without pausing.
      return false;
    }
  }
}
