import { EventEmitter } from 'node:events';
import type { HostEvent, HostStatus, SlotAction, SlotState, SlotStatus } from '../../src/shared/host-api.js';
import type { DeployResult, HistoryEntry, ReleaseTrigger, VersionRef, WatchStatus } from '../../src/shared/release-api.js';
import { SLOT_TITLES, type SlotId } from '../../src/shared/slot-api.js';
import type { MenuBarHost } from '../../src/main/electron/menu-bar-app.js';

/** A slot's status as the host reports it, with the bundled models' names. */
export function slotStatus(slot: SlotId, state: SlotState, overrides: Partial<SlotStatus> = {}): SlotStatus {
  const port = slot === 'asis' ? 8891 : 8892;
  const serving = state === 'ready';
  return {
    slot,
    title: SLOT_TITLES[slot],
    state,
    host: '127.0.0.1',
    port,
    url: serving ? `http://127.0.0.1:${port}` : null,
    tlsFingerprint256: null,
    tokenRequired: false,
    pid: serving ? 1000 + port : null,
    bundleFile: `/data/weights/model_${port}.bin`,
    model: serving ? { name: 'mobilenetv2-pets', version: slot === 'asis' ? '1.0.0' : '1.1.0-exp.1', sha256: (slot === 'asis' ? 'a' : 'b').repeat(64) } : null,
    modelSource: serving ? { kind: 'import', note: 'pretrained MobileNetV2-12 int8 (ONNX Model Zoo), trained on ImageNet-1k', license: 'Apache-2.0' } : null,
    loadedAt: null,
    startedAt: null,
    uptimeSeconds: null,
    requests: null,
    latencyMs: null,
    memory: null,
    error: null,
    restarts: 0,
    lastCrash: null,
    input: null,
    shadow: null,
    ...overrides,
  };
}

/** The watcher with a GPU server configured and auto-deploy on. */
export function watchStatus(overrides: Partial<WatchStatus> = {}): WatchStatus {
  return {
    enabled: true,
    configured: true,
    intervalMinutes: 30,
    checking: false,
    lastCheck: null,
    nextCheckAt: '2026-03-01T14:30:00.000Z',
    consecutiveFailures: 0,
    progress: null,
    ...overrides,
  };
}

export function versionRef(version: string, tag: string): VersionRef {
  return { version, sha256: tag.repeat(64).slice(0, 64), bundleSha256: `f${tag}`.repeat(32).slice(0, 64) };
}

export function historyEntry(overrides: Partial<HistoryEntry> & Pick<HistoryEntry, 'action' | 'slot'>): HistoryEntry {
  return { id: `h-${Math.random().toString(36).slice(2)}`, time: '2026-03-01T12:00:00.000Z', trigger: 'watcher', outcome: 'success', ...overrides };
}

/**
 * The Host's methods as recorded stubs, on an EventEmitter (the real Host is tested elsewhere).
 * Calls go into `log`, shared with the fake electron so tests can check their order.
 */
export class FakeHost extends EventEmitter implements MenuBarHost {
  readonly dataDir: string;
  readonly controlUrl = 'http://127.0.0.1:8890';
  readonly dashboardUrl = 'http://127.0.0.1:8890/#token=fake-token';
  readonly log: string[];
  slots: SlotStatus[] = [slotStatus('asis', 'ready'), slotStatus('tobe', 'ready')];
  watch: WatchStatus = watchStatus();
  historyEntries: HistoryEntry[] = [];
  deployResult: DeployResult = { outcome: 'up-to-date', run: { id: 'run-7', completedAt: '2026-03-01T11:00:00.000Z' }, entry: null, message: 'Run run-7 is already deployed; nothing to do.' };
  /** Errors the named methods throw on their next call. */
  readonly failures = new Map<string, Error>();

  constructor(options: { dataDir?: string; log?: string[] } = {}) {
    super();
    this.dataDir = options.dataDir ?? '/tmp/litecnn-fake-data';
    this.log = options.log ?? [];
  }

  async start(): Promise<HostStatus> {
    this.#record('host.start');
    return this.status();
  }
  async stop(): Promise<void> {
    this.#record('host.stop');
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.log.push('host.stopped');
  }
  async status(): Promise<HostStatus> {
    return { host: { pid: 1, version: '0.1.0', startedAt: '2026-03-01T10:00:00.000Z', dataDir: this.dataDir, controlUrl: this.controlUrl, pathDialog: true }, slots: this.slots.map((s) => ({ ...s })) };
  }
  async act(target: string, action: SlotAction): Promise<HostStatus> {
    this.#record(`host.act:${target}:${action}`);
    return this.status();
  }
  async deploy(options: { trigger: ReleaseTrigger }): Promise<DeployResult> {
    this.#record(`host.deploy:${options.trigger}`);
    return this.deployResult;
  }
  async promote(options: { trigger: ReleaseTrigger }): Promise<HistoryEntry> {
    this.#record(`host.promote:${options.trigger}`);
    return historyEntry({ action: 'promote', slot: 'asis', trigger: options.trigger });
  }
  async rollback(options: { slot: SlotId; to?: string; trigger: ReleaseTrigger }): Promise<HistoryEntry> {
    this.#record(`host.rollback:${options.slot}:${options.to ?? ''}:${options.trigger}`);
    return historyEntry({ action: 'rollback', slot: options.slot, trigger: options.trigger });
  }
  async history(): Promise<HistoryEntry[]> {
    return this.historyEntries;
  }
  watchStatus(): WatchStatus {
    return this.watch;
  }
  setWatch(enabled: boolean): WatchStatus {
    this.#record(`host.setWatch:${enabled}`);
    this.watch = { ...this.watch, enabled };
    return this.watch;
  }

  /** Plays a host event, as the real host's `event` emission. */
  publish(event: HostEvent): void {
    this.emit('event', event);
  }

  #record(call: string): void {
    this.log.push(call);
    const method = call.split(':')[0]!;
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }
}
