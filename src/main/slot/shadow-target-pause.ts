import { performance } from 'node:perf_hooks';
import type { ShadowStats } from '../../shared/slot-api.js';
import type { SignalProcess } from './slot-launcher.js';

/** The longest one mirror may hold TO-BE still, in all its pauses; TO-BE then runs until the mirror ends. */
export const MIRROR_PAUSE_BUDGET_MS = 1_000;

export interface TargetPauseOptions {
  /** How TO-BE is signalled; `process.kill` unless a test passes its own. */
  signal?: SignalProcess;
  budgetMs?: number;
  /** Told how long each pause lasted, as TO-BE goes on. */
  onPaused?: (pausedMs: number) => void;
}

/**
 * Holds TO-BE's process still (SIGSTOP) while AS-IS serves a client's request and a mirror is in
 * flight, and lets it go on (SIGCONT) as soon as AS-IS has no client request in progress, the
 * mirror ends, or the mirror has used MIRROR_PAUSE_BUDGET_MS. A lower CPU priority alone still lets
 * TO-BE's decode run on the other core beside AS-IS's, sharing its caches and memory bandwidth;
 * held still, it shares nothing. The budget bounds what TO-BE's own clients wait while AS-IS is
 * kept busy without pause. Best effort: a process that may not be signalled is not paused.
 */
export class ShadowTargetPause {
  readonly #signal: SignalProcess;
  readonly #budgetMs: number;
  readonly #onPaused: (pausedMs: number) => void;
  #pid: number | null = null;
  #mirrorInFlight = false;
  #budgetLeftMs = 0;
  #clientRequests = 0;
  #pausedAt: number | null = null;
  #budgetTimer: NodeJS.Timeout | null = null;
  readonly #stats: ShadowStats['targetPauses'] = { pauses: 0, pausedMs: 0 };

  constructor(options: TargetPauseOptions = {}) {
    this.#signal = options.signal ?? process.kill.bind(process);
    this.#budgetMs = options.budgetMs ?? MIRROR_PAUSE_BUDGET_MS;
    this.#onPaused = options.onPaused ?? (() => undefined);
  }

  /** TO-BE's process, or null when it is not to be paused; a paused one goes on first, and a mirror to the one before no longer counts. */
  target(pid: number | null): void {
    if (pid === this.#pid) return;
    this.resume();
    this.#pid = pid;
    this.#mirrorInFlight = false;
  }

  mirrorStarted(): void {
    this.#mirrorInFlight = true;
    this.#budgetLeftMs = this.#budgetMs;
    this.#pauseIfDue();
  }

  mirrorEnded(): void {
    this.#mirrorInFlight = false;
    this.resume();
  }

  /** A client's request has arrived at AS-IS; call the returned function (once) when it is answered or abandoned. */
  clientRequest(): () => void {
    this.#clientRequests++;
    this.#pauseIfDue();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#clientRequests === 0) this.resume();
    };
  }

  /** Lets a paused TO-BE go on (also when AS-IS exits). */
  resume(): void {
    if (this.#pausedAt === null) return;
    const pausedMs = performance.now() - this.#pausedAt;
    this.#pausedAt = null;
    if (this.#budgetTimer) clearTimeout(this.#budgetTimer);
    this.#budgetTimer = null;
    this.#budgetLeftMs -= pausedMs;
    this.#stats.pauses++;
    this.#stats.pausedMs += pausedMs;
    this.#send('SIGCONT');
    this.#onPaused(pausedMs);
  }

  stats(): ShadowStats['targetPauses'] {
    return { ...this.#stats };
  }

  #pauseIfDue(): void {
    if (this.#pid === null || !this.#mirrorInFlight || this.#clientRequests === 0 || this.#pausedAt !== null || this.#budgetLeftMs <= 0) return;
    if (!this.#send('SIGSTOP')) return;
    this.#pausedAt = performance.now();
    this.#budgetTimer = setTimeout(() => this.resume(), Math.ceil(this.#budgetLeftMs));
    this.#budgetTimer.unref();
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
