import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HostStatus, SlotAction } from '../../shared/host-api.js';
import { SLOT_IDS, type SlotId } from '../../shared/slot-api.js';
import { buildControlServer, type HostController } from '../control/control-server.js';
import { removeControlFile, writeControlFile } from '../control/control-file.js';
import { LiteCnnError, isErrnoError } from '../errors.js';
import { createFileLogger } from '../logging/log-files.js';
import type { Settings } from '../settings/settings-schema.js';
import type { SlotProcessLauncher } from '../slot/slot-launcher.js';
import { SlotSupervisor, type SlotStateChange } from '../slot/slot-supervisor.js';
import { prepareDataDir, slotBundleFile, BUNDLED_WEIGHTS_DIR } from './data-dir.js';
import { SLOT_ROLES, slotPort } from './slot-roles.js';
import { resolveSlotTargets } from './slot-targets.js';
import { PRODUCT_VERSION } from '../product.js';

/** What a host is started with. */
export interface HostOptions {
  dataDir: string;
  settings: Settings;
  launcher: SlotProcessLauncher;
  bundledWeightsDir?: string;
}

/**
 * The process that owns both slots and the control API: `litecnn serve` headless, the Electron
 * main process in the app. Emits `slot-state` (SlotStateChange) whenever a slot changes.
 */
export class Host extends EventEmitter implements HostController {
  readonly dataDir: string;
  readonly settings: Settings;
  readonly slots: Readonly<Record<SlotId, SlotSupervisor>>;
  readonly #options: HostOptions;
  readonly #token = randomBytes(32).toString('base64url');
  readonly #startedAt = new Date();
  #control: FastifyInstance | null = null;
  #controlUrl = '';
  #logger: Logger | null = null;

  constructor(options: HostOptions) {
    super();
    this.#options = options;
    this.dataDir = options.dataDir;
    this.settings = options.settings;
    const supervisor = (slot: SlotId): SlotSupervisor => {
      const role = SLOT_ROLES[slot];
      const s = new SlotSupervisor(role, options.launcher, () => ({
        slot,
        host: this.settings.host,
        port: slotPort(slot, this.settings),
        bundleFile: slotBundleFile(this.dataDir, slot),
        dataDir: this.dataDir,
        maxUploadBytes: this.settings.maxUploadBytes,
        maxInputPixels: this.settings.maxInputPixels,
        logLevel: this.settings.logLevel,
      }));
      s.on('state', (change: SlotStateChange) => {
        this.#logger?.info({ slot: change.slot, state: change.state, error: change.error }, 'slot state');
        this.emit('slot-state', change);
      });
      return s;
    };
    this.slots = { asis: supervisor('asis'), tobe: supervisor('tobe') };
  }

  /** The control API's URL, once started. */
  get controlUrl(): string {
    return this.#controlUrl;
  }

  /** The per-launch control token. */
  get controlToken(): string {
    return this.#token;
  }

  /** Prepares the data dir, opens the control API and starts both slots (in parallel). */
  async start(): Promise<HostStatus> {
    await prepareDataDir(this.dataDir, this.#options.bundledWeightsDir ?? BUNDLED_WEIGHTS_DIR);
    this.#logger = await createFileLogger(this.dataDir, 'host', this.settings.logLevel);
    this.#control = buildControlServer(this, this.#token, this.#logger);
    try {
      this.#controlUrl = await this.#control.listen({ host: '127.0.0.1', port: this.settings.controlPort });
    } catch (error) {
      if (isErrnoError(error, 'EADDRINUSE')) {
        throw new LiteCnnError('PORT_IN_USE', `The control port ${this.settings.controlPort} is already in use; is another \`litecnn serve\` running? Stop it, or choose another port with --control-port.`, { subject: String(this.settings.controlPort) });
      }
      throw error;
    }
    await writeControlFile(this.dataDir, { url: this.#controlUrl, token: this.#token, pid: process.pid, startedAt: this.#startedAt.toISOString() });
    this.#logger.info({ controlUrl: this.#controlUrl }, 'host started');
    await Promise.all(SLOT_IDS.map((slot) => this.slots[slot].start()));
    return this.status();
  }

  /** Stops both slots and the control API. */
  async stop(): Promise<void> {
    await Promise.all(SLOT_IDS.map((slot) => this.slots[slot].stop()));
    await this.#control?.close();
    await removeControlFile(this.dataDir);
    this.#logger?.info('host stopped');
    this.#logger?.flush();
  }

  async status(): Promise<HostStatus> {
    return {
      host: {
        pid: process.pid,
        version: PRODUCT_VERSION,
        startedAt: this.#startedAt.toISOString(),
        dataDir: this.dataDir,
        controlUrl: this.#controlUrl,
      },
      slots: await Promise.all(SLOT_IDS.map((slot) => this.slots[slot].status())),
    };
  }

  /** Starts, stops or restarts the slots `target` names (see resolveSlotTargets). */
  async act(target: string, action: SlotAction): Promise<HostStatus> {
    const ports = { asis: slotPort('asis', this.settings), tobe: slotPort('tobe', this.settings) };
    const slots = resolveSlotTargets(target, ports);
    await Promise.all(slots.map((slot) => this.slots[slot][action]()));
    return this.status();
  }
}
