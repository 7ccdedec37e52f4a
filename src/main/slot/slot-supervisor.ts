import { EventEmitter } from 'node:events';
import type { ErrorBody } from '../../shared/errors.js';
import type { SlotState, SlotStatus } from '../../shared/host-api.js';
import type { ModelSummary } from '../../shared/model-manifest.js';
import type { SlotInfo } from '../../shared/slot-api.js';
import type { SlotRole } from '../host/slot-roles.js';
import { LiteCnnError } from '../errors.js';
import type { SlotProcessConfig, SlotToHostMessage } from './slot-messages.js';
import type { ShadowConfig } from './shadow-mirror.js';
import { SLOT_PROCESS_ENTRY, type SlotProcessHandle, type SlotProcessLauncher } from './slot-launcher.js';

/** How long a slot gets to stop by itself before it is killed. */
const STOP_GRACE_MS = 5_000;
const INFO_TIMEOUT_MS = 2_000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;
/** A slot that stayed ready this long is healthy again: the next crash restarts it at once. */
const HEALTHY_AFTER_MS = 60_000;

/** What the supervisor reports when the slot changes state. */
export interface SlotStateChange {
  slot: SlotRole['slot'];
  state: SlotState;
  error: ErrorBody['error'] | null;
}

/**
 * Owns one slot process: starts and stops it on request, and restarts it with backoff when it
 * dies unexpectedly. Emits `state` with a SlotStateChange on every change.
 */
export class SlotSupervisor extends EventEmitter {
  readonly role: SlotRole;
  readonly #launcher: SlotProcessLauncher;
  readonly #config: () => SlotProcessConfig;
  #state: SlotState = 'stopped';
  #process: SlotProcessHandle | null = null;
  #port = 0;
  #tlsFingerprint256: string | null = null;
  #tokenRequired = false;
  #model: ModelSummary | null = null;
  #loadedAt: string | null = null;
  #startedAt: Date | null = null;
  #error: ErrorBody['error'] | null = null;
  #restarts = 0;
  #restartDelay = FIRST_RESTART_DELAY_MS;
  #restartTimer: NodeJS.Timeout | null = null;
  #lastCrash: SlotStatus['lastCrash'] = null;
  #wantRunning = false;
  #nextRequestId = 1;
  readonly #pendingInfo = new Map<number, (info: SlotInfo | null) => void>();
  readonly #pendingSwaps = new Map<number, { resolve: () => void; reject: (error: LiteCnnError) => void }>();
  #settled: Array<() => void> = [];
  #shadow: ShadowConfig | null = null;
  #niceness = 0;

  constructor(role: SlotRole, launcher: SlotProcessLauncher, config: () => SlotProcessConfig) {
    super();
    this.role = role;
    this.#launcher = launcher;
    this.#config = config;
  }

  get state(): SlotState {
    return this.#state;
  }

  /** Starts the slot; resolves once it is ready or has failed (see `status().error`). */
  async start(): Promise<void> {
    this.#wantRunning = true;
    this.#cancelRestart();
    if (this.#process) return this.#untilSettled();
    this.#spawn();
    return this.#untilSettled();
  }

  /** Stops the slot: asks it to finish, kills it after a grace period. */
  async stop(): Promise<void> {
    this.#wantRunning = false;
    this.#cancelRestart();
    const running = this.#process;
    if (!running) {
      if (this.#state === 'crashed') this.#setState('stopped', null);
      return;
    }
    this.#setState('stopping', null);
    const exited = new Promise<void>((resolve) => running.onExit(() => resolve()));
    running.send({ type: 'shutdown' });
    const killer = setTimeout(() => running.kill(), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /**
   * Makes the running slot serve `bundleFile` without dropping a request (see slot-process).
   * A slot that is not running just picks the file up at its next start.
   */
  async swapModel(bundleFile: string): Promise<void> {
    if (this.#state === 'starting') await this.#untilSettled();
    const child = this.#process;
    if (!child || this.#state !== 'ready') return;
    const requestId = this.#nextRequestId++;
    await new Promise<void>((resolve, reject) => {
      this.#pendingSwaps.set(requestId, { resolve, reject });
      child.send({ type: 'swap', requestId, bundleFile });
    });
  }

  /** The slot's status, with live figures from the slot process when it is running. */
  async status(): Promise<SlotStatus> {
    const config = this.#config();
    const info = this.#state === 'ready' ? await this.#queryInfo() : null;
    const port = this.#process && this.#port ? this.#port : config.port;
    return {
      slot: this.role.slot,
      title: this.role.title,
      state: this.#state,
      host: config.host,
      port,
      url: this.#state === 'ready' ? `${this.#tlsFingerprint256 ? 'https' : 'http'}://${urlHost(config.host)}:${port}` : null,
      tlsFingerprint256: this.#tlsFingerprint256,
      tokenRequired: this.#tokenRequired,
      pid: this.#process?.pid ?? null,
      bundleFile: config.bundleFile,
      model: this.#model,
      modelSource: info?.model?.source ?? null,
      input: info?.model?.input ?? null,
      loadedAt: this.#loadedAt,
      startedAt: this.#startedAt?.toISOString() ?? null,
      uptimeSeconds: this.#startedAt && this.#process ? Math.round((Date.now() - this.#startedAt.getTime()) / 1000) : null,
      requests: info?.requests ?? null,
      latencyMs: info?.latencyMs ?? null,
      memory: info?.memory ?? null,
      shadow: info?.shadow ?? null,
      error: this.#error,
      restarts: this.#restarts,
      lastCrash: this.#lastCrash,
    };
  }

  #spawn(): void {
    const config = this.#config();
    this.#error = null;
    this.#model = null;
    this.#loadedAt = null;
    this.#port = 0;
    this.#tlsFingerprint256 = null;
    this.#tokenRequired = config.tokenSha256s.length > 0;
    this.#startedAt = new Date();
    this.#setState('starting', null);
    const child = this.#launcher.launch(this.role.slot, SLOT_PROCESS_ENTRY);
    this.#process = child;
    let failure: ErrorBody['error'] | null = null;
    let readyAt = 0;
    child.onMessage((message: SlotToHostMessage) => {
      if (this.#process !== child) return;
      switch (message.type) {
        case 'listening':
          this.#port = message.port;
          this.#tlsFingerprint256 = message.tlsFingerprint256;
          break;
        case 'ready':
          this.#model = message.model;
          this.#loadedAt = message.loadedAt;
          readyAt = Date.now();
          this.#setState('ready', null);
          break;
        case 'failed':
          failure = message.error;
          break;
        case 'info':
          this.#pendingInfo.get(message.requestId)?.(message.info);
          break;
        case 'swapped':
          this.#model = message.model;
          this.#loadedAt = message.loadedAt;
          this.#pendingSwaps.get(message.requestId)?.resolve();
          this.#pendingSwaps.delete(message.requestId);
          this.emit('state', { slot: this.role.slot, state: this.#state, error: null } satisfies SlotStateChange);
          break;
        case 'swap-failed':
          this.#pendingSwaps.get(message.requestId)?.reject(new LiteCnnError('SWAP_FAILED', `The ${this.role.title} slot could not load the new model and keeps serving the previous one: ${message.error.message}`, { subject: this.role.slot }));
          this.#pendingSwaps.delete(message.requestId);
          break;
      }
    });
    child.onExit((exitCode, signal) => {
      if (this.#process !== child) return;
      this.#process = null;
      for (const resolve of this.#pendingInfo.values()) resolve(null);
      this.#pendingInfo.clear();
      for (const swap of this.#pendingSwaps.values()) swap.reject(new LiteCnnError('SWAP_FAILED', `The ${this.role.title} slot process ended during a model swap.`, { subject: this.role.slot }));
      this.#pendingSwaps.clear();
      if (failure) {
        this.#wantRunning = false;
        this.#setState('failed', failure);
      } else if (!this.#wantRunning) {
        this.#setState('stopped', null);
      } else {
        this.#crashed(exitCode, signal, readyAt);
      }
    });
    child.send({ type: 'start', config });
    if (this.#shadow) child.send({ type: 'shadow', shadow: this.#shadow });
    if (this.#niceness > 0) child.send({ type: 'niceness', niceness: this.#niceness });
  }

  /** Lowers the slot process's CPU priority (now if it runs, and at every start); a running process cannot raise it again. */
  lowerPriority(niceness: number): void {
    if (niceness <= this.#niceness) return;
    this.#niceness = niceness;
    this.#process?.send({ type: 'niceness', niceness });
  }

  /** The next start runs at normal priority again (the running process keeps its own until then). */
  forgetPriority(): void {
    this.#niceness = 0;
  }

  /** Lets the slot process go on if it was held still (SIGSTOP; see ShadowTargetPause). */
  resumeProcess(): void {
    this.#process?.resume();
  }

  /** Gives the slot shadow mode's settings (now if it runs, and at every start). */
  configureShadow(shadow: ShadowConfig): void {
    this.#shadow = shadow;
    this.#process?.send({ type: 'shadow', shadow });
  }

  #crashed(exitCode: number | null, signal: string | null, readyAt: number): void {
    this.#lastCrash = { at: new Date().toISOString(), exitCode, signal };
    if (readyAt && Date.now() - readyAt >= HEALTHY_AFTER_MS) this.#restartDelay = FIRST_RESTART_DELAY_MS;
    const delay = this.#restartDelay;
    this.#restartDelay = Math.min(this.#restartDelay * 2, MAX_RESTART_DELAY_MS);
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    this.#setState('crashed', { code: 'SLOT_START_FAILED', message: `The ${this.role.title} slot process ${how}; restarting in ${(delay / 1000).toFixed(1)} s.` });
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (!this.#wantRunning || this.#process) return;
      this.#restarts++;
      this.#spawn();
    }, delay);
  }

  #cancelRestart(): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
  }

  #setState(state: SlotState, error: ErrorBody['error'] | null): void {
    this.#state = state;
    this.#error = error;
    if (state === 'ready' || state === 'failed' || state === 'stopped' || state === 'crashed') {
      const waiting = this.#settled;
      this.#settled = [];
      for (const resolve of waiting) resolve();
    }
    const change: SlotStateChange = { slot: this.role.slot, state, error };
    this.emit('state', change);
  }

  #untilSettled(): Promise<void> {
    if (this.#state === 'ready' || this.#state === 'failed' || this.#state === 'crashed') return Promise.resolve();
    return new Promise((resolve) => this.#settled.push(resolve));
  }

  #queryInfo(): Promise<SlotInfo | null> {
    const child = this.#process;
    if (!child) return Promise.resolve(null);
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), INFO_TIMEOUT_MS);
      const finish = (info: SlotInfo | null): void => {
        clearTimeout(timer);
        this.#pendingInfo.delete(requestId);
        resolve(info);
      };
      this.#pendingInfo.set(requestId, finish);
      child.send({ type: 'info', requestId });
    });
  }
}

/** A host address as it goes into a URL (IPv6 in brackets, wildcard as loopback). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
