import { EventEmitter } from 'node:events';
import type { DeployResult, WatchStatus } from '../../shared/release-api.js';
import { describeError } from '../errors.js';
import type { Settings } from '../settings/settings-schema.js';

const MINUTE_MS = 60_000;
const FIRST_RETRY_MS = MINUTE_MS;

/**
 * The background check of the GPU server (every `pollIntervalMinutes`, default 30; the first
 * shortly after start). One check at a time: a tick that comes during a check is skipped. A
 * failed check is retried sooner, with doubling backoff, never later than the normal interval.
 * Emits `status` (WatchStatus) whenever something changes.
 */
export class DeployWatcher extends EventEmitter {
  readonly #check: () => Promise<DeployResult>;
  readonly #settings: () => Settings;
  readonly #firstCheckDelayMs: number;
  #timer: NodeJS.Timeout | null = null;
  #checking = false;
  #nextCheckAt: Date | null = null;
  #lastCheck: WatchStatus['lastCheck'] = null;
  #failures = 0;
  #started = false;

  constructor(options: { check: () => Promise<DeployResult>; settings: () => Settings; firstCheckDelayMs?: number }) {
    super();
    this.#check = options.check;
    this.#settings = options.settings;
    this.#firstCheckDelayMs = options.firstCheckDelayMs ?? 10_000;
  }

  /** Starts the timer (when auto-deploy is on and a GPU server is configured). */
  start(): void {
    this.#started = true;
    this.#schedule(this.#firstCheckDelayMs);
  }

  stop(): void {
    this.#started = false;
    this.#clear();
  }

  /** Re-reads the settings after auto-deploy was switched or the GPU server changed. */
  settingsChanged(): void {
    if (this.#started && !this.#checking) this.#schedule(this.#firstCheckDelayMs);
  }

  status(progress: WatchStatus['progress'] = null): WatchStatus {
    const settings = this.#settings();
    return {
      enabled: settings.autoDeploy,
      configured: configured(settings),
      intervalMinutes: settings.pollIntervalMinutes,
      checking: this.#checking,
      lastCheck: this.#lastCheck,
      nextCheckAt: this.#nextCheckAt?.toISOString() ?? null,
      consecutiveFailures: this.#failures,
      progress,
    };
  }

  /** One check now, on the watcher's own path; a tick during it is skipped. */
  async checkNow(): Promise<DeployResult | null> {
    if (this.#checking) return null;
    this.#checking = true;
    this.#clear();
    this.#changed();
    try {
      const result = await this.#check();
      this.#failures = 0;
      this.#lastCheck = { at: new Date().toISOString(), outcome: result.outcome === 'deployed' ? 'deployed' : 'up-to-date', message: result.message };
      return result;
    } catch (error) {
      this.#failures++;
      this.#lastCheck = { at: new Date().toISOString(), outcome: 'failed', message: describeError(error) };
      return null;
    } finally {
      this.#checking = false;
      if (this.#started) this.#schedule(this.#failures > 0 ? this.#retryDelay() : this.#intervalMs());
      this.#changed();
    }
  }

  #retryDelay(): number {
    return Math.min(FIRST_RETRY_MS * 2 ** (this.#failures - 1), this.#intervalMs());
  }

  #intervalMs(): number {
    return this.#settings().pollIntervalMinutes * MINUTE_MS;
  }

  #schedule(delayMs: number): void {
    this.#clear();
    const settings = this.#settings();
    if (!settings.autoDeploy || !configured(settings)) {
      this.#changed();
      return;
    }
    this.#nextCheckAt = new Date(Date.now() + delayMs);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.checkNow();
    }, delayMs);
    this.#timer.unref();
    this.#changed();
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#nextCheckAt = null;
  }

  #changed(): void {
    this.emit('status', this.status());
  }
}

function configured(settings: Settings): boolean {
  return Boolean(settings.gpuHost && settings.gpuRunsDir);
}
