import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { checkDeployMinimum, describeFailedChecks, gateEvaluation, judgePromotion } from '../eval/promotion-gate.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HostStatus, PathChoice, PathChooser, SlotAction } from '../../shared/host-api.js';
import { SLOT_IDS, type SlotId } from '../../shared/slot-api.js';
import { buildControlServer, type HostController } from '../control/control-server.js';
import { removeControlFile, writeControlFile } from '../control/control-file.js';
import { LiteCnnError, describeError, isErrnoError } from '../errors.js';
import { ServedBundleFacts } from '../eval/served-bundle-facts.js';
import { createFileLogger } from '../logging/log-files.js';
import { checkSettingsChange, type Settings } from '../settings/settings-schema.js';
import { SETTING_TAKES_EFFECT } from '../../shared/settings.js';
import type { SlotProcessLauncher } from '../slot/slot-launcher.js';
import { SlotSupervisor, type SlotStateChange } from '../slot/slot-supervisor.js';
import { prepareDataDir, BUNDLED_WEIGHTS_DIR } from './data-dir.js';
import { PathDialog } from './path-dialog.js';
import { SLOT_ROLES, slotPort } from './slot-roles.js';
import { resolveSlotTargets } from './slot-targets.js';
import { PRODUCT_VERSION } from '../product.js';
import type { CompareResult, HostEvent, LogLine, SettingsUpdate } from '../../shared/host-api.js';
import { compareOnSlots } from './compare-slots.js';
import { SHADOW_TARGET_NICENESS } from '../slot/process-priority.js';
import { ShadowImages } from '../slot/shadow-images.js';
import type { EvalProgress, EvalSummary } from '../../shared/eval-api.js';
import { Evaluations } from '../eval/evaluations.js';
import type { EvalSlot } from '../eval/evaluation.js';
import { slotEndpoint } from './slot-endpoints.js';
import { slotProcessConfig } from './slot-process-config.js';
import { checkSlotExposure } from '../security/slot-exposure.js';
import { generateToken, tokenSha256 } from '../security/tokens.js';
import { logComponent, parseLogLine, recentLogLines } from '../logging/log-reader.js';
import type { DeployResult, GateRecord, GateVerdict, GpuCheck, GpuPassphraseStatus, HistoryEntry, ReleaseProgress, ReleaseTrigger, WatchStatus } from '../../shared/release-api.js';
import { DeployWatcher } from '../deploy/deploy-watcher.js';
import { checkGpuServer, confirmHostKey, presentedHostKey } from '../gpu/gpu-check.js';
import { environmentPassphrase, type KeyPassphraseSource } from '../gpu/key-passphrase.js';
import { ReleaseManager } from '../release/release-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** What a host is started with. */
export interface HostOptions {
  dataDir: string;
  settings: Settings;
  launcher: SlotProcessLauncher;
  /** Where changes made at run time (auto-deploy on/off, a pinned GPU host key) are saved. */
  store?: SettingsStore;
  bundledWeightsDir?: string;
  /** Delay before the watcher's first check; 10 s by default. */
  watcherFirstCheckDelayMs?: number;
  /** Where the GPU key passphrase comes from; by default LITECNN_GPU_KEY_PASSPHRASE. */
  keyPassphrase?: KeyPassphraseSource;
  /** The app's native open dialog; headless hosts have none. */
  choosePath?: PathChooser;
}

/**
 * The process that owns both slots, the release manager, the deploy watcher and the control API:
 * `litecnn serve` headless, the Electron main process in the app. Emits `slot-state`
 * (SlotStateChange) whenever a slot changes, and `event` (HostEvent) for every live update.
 */
export class Host extends EventEmitter implements HostController {
  readonly dataDir: string;
  readonly settings: Settings;
  readonly slots: Readonly<Record<SlotId, SlotSupervisor>>;
  #releases: ReleaseManager | null = null;
  #watcher: DeployWatcher | null = null;
  readonly #options: HostOptions;
  readonly #keyPassphrase: KeyPassphraseSource;
  readonly #pathDialog: PathDialog;
  readonly #token = generateToken();
  /** Accepted by slots that require a token, so that compare and the local CLI keep working. */
  readonly #slotToken = generateToken();
  readonly #startedAt = new Date();
  readonly evaluations: Evaluations;
  /** What the gates need of each served bundle, read and hashed once per version of the file. */
  readonly #servedBundles = new ServedBundleFacts();
  readonly #shadowImages: ShadowImages;
  /** Temporary slots serving a deploy candidate for the deploy gate, stopped with the host. */
  readonly #candidates = new Set<SlotSupervisor>();
  #control: FastifyInstance | null = null;
  #controlUrl = '';
  #logger: Logger | null = null;

  constructor(options: HostOptions) {
    super();
    this.#options = options;
    this.#keyPassphrase = options.keyPassphrase ?? environmentPassphrase();
    this.#pathDialog = new PathDialog(options.choosePath);
    this.dataDir = options.dataDir;
    this.#shadowImages = new ShadowImages(this.dataDir);
    this.settings = options.settings;
    const supervisor = (slot: SlotId): SlotSupervisor => {
      const role = SLOT_ROLES[slot];
      const s = new SlotSupervisor(role, options.launcher, () => slotProcessConfig(this.settings, slot, this.dataDir, tokenSha256(this.#slotToken)));
      s.on('state', (change: SlotStateChange) => {
        this.#logger?.info({ slot: change.slot, state: change.state, error: change.error }, 'slot state');
        if (change.slot === 'tobe') void this.#updateShadow();
        // An AS-IS that ended while it held TO-BE still (shadow mode) can no longer let it go on.
        else if (change.state === 'crashed' || change.state === 'stopped' || change.state === 'failed') this.slots.tobe.resumeProcess();
        this.emit('slot-state', change);
        this.#publish({ type: 'slot-state', data: change });
      });
      return s;
    };
    this.slots = { asis: supervisor('asis'), tobe: supervisor('tobe') };
    this.evaluations = new Evaluations({ dataDir: this.dataDir, slots: () => this.#servingSlots(), maxInputPixels: () => this.settings.maxInputPixels, kept: () => this.settings.evaluationsKept });
    this.evaluations.on('progress', (progress: EvalProgress) => this.#publish({ type: 'eval-progress', data: progress }));
    this.evaluations.on('finished', (summary: EvalSummary) => this.#publish({ type: 'eval', data: summary }));
    this.evaluations.on('running', () => void this.#updateShadow());
  }

  /** The control API's URL, once started. */
  get controlUrl(): string {
    return this.#controlUrl;
  }

  /** The per-launch control token. */
  get controlToken(): string {
    return this.#token;
  }

  /**
   * Prepares the data dir, finishes any release a crash interrupted, starts both slots (in
   * parallel) while it opens the control API, then starts the deploy watcher.
   */
  async start(): Promise<HostStatus> {
    checkSlotExposure(this.settings);
    await prepareDataDir(this.dataDir, this.#options.bundledWeightsDir ?? BUNDLED_WEIGHTS_DIR);
    this.#logger = await createFileLogger(this.dataDir, 'host', this.settings.logLevel);
    const releases = new ReleaseManager({
      dataDir: this.dataDir,
      settings: () => this.settings,
      logger: this.#logger,
      keyPassphrase: this.#keyPassphrase,
      checkCandidate: (bytes, trigger) => this.#checkDeployCandidate(bytes, trigger),
      slots: {
        isReady: (slot) => this.slots[slot].state === 'ready',
        swapModel: (slot, file) => this.slots[slot].swapModel(file),
      },
    });
    releases.on('progress', (progress: ReleaseProgress | null) => this.#publish({ type: 'progress', data: progress }));
    releases.on('history', (entry: HistoryEntry) => {
      this.#publish({ type: 'history', data: entry });
      void this.#updateShadow();
    });
    await releases.recover();
    this.#releases = releases;
    // Loading a model is most of a start: the slots load theirs while the rest of the host is built.
    const slotsStarted = Promise.all(SLOT_IDS.map((slot) => this.slots[slot].start()));
    try {
      await this.evaluations.recover();
      this.#watcher = new DeployWatcher({
        check: () => releases.deploy({ trigger: 'watcher' }),
        settings: () => this.settings,
        ...(this.#options.watcherFirstCheckDelayMs !== undefined ? { firstCheckDelayMs: this.#options.watcherFirstCheckDelayMs } : {}),
      });
      this.#watcher.on('status', () => this.#publish({ type: 'watch', data: this.watchStatus() }));
      this.#control = buildControlServer(this, this.#token, this.#logger, {
        maxUploadBytes: this.settings.maxUploadBytes,
        rateLimit: { perSecond: this.settings.controlRateLimitPerSecond, burst: this.settings.controlRateLimitBurst },
      });
      try {
        this.#controlUrl = await this.#control.listen({ host: '127.0.0.1', port: this.settings.controlPort });
      } catch (error) {
        if (isErrnoError(error, 'EADDRINUSE')) {
          throw new LiteCnnError('PORT_IN_USE', `The control port ${this.settings.controlPort} is already in use; is another \`litecnn serve\` running? Stop it, or choose another port with --control-port.`, { subject: String(this.settings.controlPort) });
        }
        throw error;
      }
      await writeControlFile(this.dataDir, { url: this.#controlUrl, token: this.#token, slotToken: this.#slotToken, pid: process.pid, startedAt: this.#startedAt.toISOString() });
      this.#logger.info({ controlUrl: this.#controlUrl }, 'host started');
    } catch (error) {
      await slotsStarted.catch(() => undefined);
      await Promise.all(SLOT_IDS.map((slot) => this.slots[slot].stop()));
      throw error;
    }
    await slotsStarted;
    await this.#updateShadow();
    this.#watcher.start();
    return this.status();
  }

  /** Stops the watcher, both slots and the control API. */
  async stop(): Promise<void> {
    // An open dialog's request would hold the control API's close until the user answered.
    this.#pathDialog.close();
    this.#watcher?.stop();
    await this.evaluations.stop();
    await Promise.all([...this.#candidates].map((candidate) => candidate.stop()));
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
        pathDialog: this.#pathDialog.available,
      },
      slots: await Promise.all(SLOT_IDS.map((slot) => this.slots[slot].status())),
    };
  }

  /** Deploys the newest (or a named) GPU run to TO-BE, on the watcher's own path. */
  async deploy(options: { runId?: string; dryRun?: boolean; trigger: ReleaseTrigger }): Promise<DeployResult> {
    return this.#releaseManager().deploy(options);
  }

  /**
   * Promotes TO-BE to AS-IS. With a promotion gate set, first judges the two on the gate's set
   * (a stored evaluation of exactly these models, or a new one) and refuses a failing TO-BE unless
   * forced with a reason; the verdict (and the reason) goes into the history entry.
   */
  async promote(options: { tag?: string; trigger: ReleaseTrigger; force?: boolean; reason?: string }): Promise<HistoryEntry> {
    const reason = options.reason?.trim() ?? '';
    if (options.force && !reason) {
      throw new LiteCnnError('BAD_REQUEST', 'A forced promote needs a reason (`litecnn promote --force --reason "..."`); it is kept in the history.', { httpStatus: 400 });
    }
    return this.#releaseManager().promote({
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
      trigger: options.trigger,
      judge: () => this.#judgePromotion(options.force === true, reason),
    });
  }

  /** The gate's record for a promote, or why a failing (or unjudgeable) gate was overridden; throws when it blocks. */
  async #judgePromotion(force: boolean, reason: string): Promise<{ gate?: GateRecord; reason?: string }> {
    let verdict: GateVerdict | null;
    try {
      verdict = await this.promotionGate();
    } catch (error) {
      if (!force) throw error;
      // A gate that cannot judge (its set gone, a slot down) may be overridden like a failing one.
      return { reason: `forced past a promotion gate that could not judge (${describeError(error)}): ${reason}` };
    }
    if (!verdict) return {};
    if (!verdict.passed && !force) {
      throw new LiteCnnError('PROMOTION_GATE_FAILED', `The promotion gate failed on ${verdict.setDir} (evaluation ${verdict.evaluationId}): ${describeFailedChecks(verdict)}. Improve TO-BE, or promote anyway with a reason (\`litecnn promote --force --reason "..."\`).`, { httpStatus: 409 });
    }
    return { gate: { ...verdict, forced: !verdict.passed, ...(!verdict.passed ? { forcedReason: reason } : {}) } };
  }

  /** The promotion gate's verdict on the models the slots serve now; null when no gate is set (promotionGateSet). */
  async promotionGate(): Promise<GateVerdict | null> {
    const set = this.settings.promotionGateSet;
    if (!set) return null;
    return judgePromotion(await gateEvaluation(this.evaluations, set, await this.#servingSlots()), this.settings);
  }

  async rollback(options: { slot: SlotId; to?: string; trigger: ReleaseTrigger }): Promise<HistoryEntry> {
    return this.#releaseManager().rollback(options);
  }

  /** Every release operation, newest first. */
  async history(): Promise<HistoryEntry[]> {
    return this.#releaseManager().history.newestFirst();
  }

  watchStatus(): WatchStatus {
    if (!this.#watcher) throw new LiteCnnError('NOT_READY', 'The host is still starting.', { httpStatus: 503 });
    return this.#watcher.status(this.#releases?.progress ?? null);
  }

  /** Turns automatic deploys on or off, and saves that. */
  setWatch(enabled: boolean): WatchStatus {
    this.#changeSetting('autoDeploy', enabled);
    return this.watchStatus();
  }

  /** Connects to the GPU server: its host key and newest run. */
  gpuCheck(): Promise<GpuCheck> {
    return checkGpuServer(this.settings, this.#keyPassphrase);
  }

  /** The host key the GPU server presents now, before the user trusts it. */
  gpuHostKey(): Promise<{ target: string; hostKey: string; pinned: string }> {
    return presentedHostKey(this.settings, this.#keyPassphrase);
  }

  /** Pins the GPU server's host key the user confirmed, and saves it. */
  async gpuTrust(fingerprint: string): Promise<{ hostKey: string }> {
    const hostKey = await confirmHostKey(this.settings, fingerprint, this.#keyPassphrase);
    this.#changeSetting('gpuHostKeyFingerprint', hostKey);
    return { hostKey };
  }

  /** Whether the GPU key passphrase can be kept here (the app's keychain), and whether one is. */
  async gpuPassphrase(): Promise<GpuPassphraseStatus> {
    return { storable: this.#keyPassphrase.save !== undefined, stored: await this.#keyPassphrase.stored(), where: this.#keyPassphrase.where };
  }

  /** Keeps the GPU key passphrase where it is safe ('' forgets it); refused where nothing can keep it. */
  async setGpuPassphrase(passphrase: string): Promise<GpuPassphraseStatus> {
    if (!this.#keyPassphrase.save) {
      throw new LiteCnnError('NOT_SUPPORTED', `This host cannot keep a passphrase; it reads it from ${this.#keyPassphrase.where}.`, { httpStatus: 409 });
    }
    await this.#keyPassphrase.save(passphrase);
    return this.gpuPassphrase();
  }

  /** Asks the user for a folder or file with the app's native dialog (null: cancelled); refused headless. */
  choosePath(choice: PathChoice): Promise<string | null> {
    return this.#pathDialog.choose(choice);
  }

  #changeSetting<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.#options.store?.set(key, value);
    this.settings[key] = value;
    this.#watcher?.settingsChanged();
  }

  #releaseManager(): ReleaseManager {
    if (!this.#releases) throw new LiteCnnError('NOT_READY', 'The host is still starting.', { httpStatus: 503 });
    return this.#releases;
  }

  #publish(event: HostEvent): void {
    this.emit('event', event);
  }

  /** One image through both slots side by side. */
  async compare(image: Uint8Array): Promise<CompareResult> {
    const [asis, tobe] = await Promise.all([this.slots.asis.status(), this.slots.tobe.status()]);
    return compareOnSlots(image, { asis: slotEndpoint(asis, this.#slotToken), tobe: slotEndpoint(tobe, this.#slotToken) }, { maxInputPixels: this.settings.maxInputPixels });
  }

  /**
   * Tells AS-IS where TO-BE is and how much traffic to mirror to it (shadow mode), and while it
   * mirrors lowers TO-BE's CPU priority so that on a busy CPU production comes first. While an
   * evaluation runs, AS-IS gets no pid to hold still: TO-BE's latencies are part of the verdict.
   */
  async #updateShadow(): Promise<void> {
    const tobe = await this.slots.tobe.status();
    const { shadowPercent: percent, shadowKeepImages: keepImages } = this.settings;
    const target = tobe.state === 'ready' ? slotEndpoint(tobe, this.#slotToken) : null;
    this.slots.asis.configureShadow({ percent, keepImages, target, targetPid: target && !this.evaluations.running ? tobe.pid : null });
    if (percent > 0) this.slots.tobe.lowerPriority(SHADOW_TARGET_NICENESS);
    else this.slots.tobe.forgetPriority();
  }

  /** An image shadow mode kept (setting shadowKeepImages), by the file name its sample names. */
  shadowImage(name: string): Promise<{ bytes: Buffer; contentType: string }> {
    return this.#shadowImages.read(name);
  }

  /** Both slots with the model each serves, reached with the host's own token; NOT_READY when one is not serving. */
  async #servingSlots(): Promise<Record<SlotId, EvalSlot>> {
    const [asis, tobe] = await Promise.all(SLOT_IDS.map((slot) => this.#servingSlot(this.slots[slot], `\`litecnn start ${slot}\``)));
    return { asis: asis!, tobe: tobe! };
  }

  async #servingSlot(supervisor: SlotSupervisor, howToStart: string): Promise<EvalSlot> {
    const status = await supervisor.status();
    const endpoint = slotEndpoint(status, this.#slotToken);
    const model = status.model;
    if (!endpoint || !model) {
      throw new LiteCnnError('NOT_READY', `The ${status.title} slot is not serving (${status.state}${status.error ? `: ${status.error.message}` : ''}). Start it with ${howToStart} and try again.`, { httpStatus: 503 });
    }
    // The labels recognise an evaluation set's class folders; the file is the one served unless a swap is under way.
    const served = await this.#servedBundles.read(status.bundleFile).then(
      (bundle) => (bundle.modelSha256 === model.sha256 ? { labels: bundle.labels, bundleSha256: bundle.bundleSha256 } : {}),
      () => ({}),
    );
    return { endpoint, model, ...served };
  }

  /**
   * The deploy gate (deployGateMinimum, on automatic deploys): the candidate is served by a
   * temporary slot process on a free loopback port and evaluated against AS-IS on the gate's set;
   * below the minimum (top-1 accuracy, or agreement with AS-IS on an unlabelled set) it does not
   * replace TO-BE.
   */
  async #checkDeployCandidate(bytes: Buffer, trigger: ReleaseTrigger): Promise<void> {
    const { deployGateMinimum: minimum, promotionGateSet: set } = this.settings;
    if (trigger !== 'watcher' || minimum <= 0 || !set) return;
    const staged = join(this.dataDir, 'staging', 'gate-candidate.bin');
    await mkdir(dirname(staged), { recursive: true });
    await writeFileAtomic(staged, bytes);
    const candidate = new SlotSupervisor(SLOT_ROLES.tobe, this.#options.launcher, () => ({
      ...slotProcessConfig(this.settings, 'tobe', this.dataDir, tokenSha256(this.#slotToken)),
      logName: 'candidate', host: '127.0.0.1', port: 0, tls: null, tokenSha256s: [], bundleFile: staged,
    }));
    this.#candidates.add(candidate);
    try {
      await candidate.start();
      const slots = { asis: await this.#servingSlot(this.slots.asis, '`litecnn start asis`'), tobe: await this.#servingSlot(candidate, 'a valid candidate') };
      checkDeployMinimum(await this.evaluations.run(set, slots), minimum);
    } finally {
      try {
        await candidate.stop();
      } finally {
        this.#candidates.delete(candidate);
        await rm(staged, { force: true });
      }
    }
  }

  /** Recent lines of a slot's (or the host's) log. */
  async logs(component: string, count: number): Promise<LogLine[]> {
    const { lines } = await recentLogLines(this.dataDir, logComponent(component), count);
    return lines.flatMap((line) => parseLogLine(line) ?? []);
  }

  /** The URL that opens the dashboard, token included (in the fragment, which browsers never send). */
  get dashboardUrl(): string {
    return `${this.#controlUrl}/#token=${this.#token}`;
  }

  /**
   * Changes settings (validated, saved); applies at once what can be, and names what takes
   * effect only when a slot restarts (ports, address, limits, log level).
   */
  updateSettings(change: Partial<Settings>): SettingsUpdate {
    const restartNeeded: string[] = [];
    const checked = checkSettingsChange(change);
    checkSlotExposure({ ...this.settings, ...checked });
    for (const [key, value] of Object.entries(checked) as [keyof Settings, Settings[keyof Settings]][]) {
      if (!(key in this.settings)) throw new LiteCnnError('SETTINGS_INVALID', `Unknown setting "${key}".`, { subject: key, httpStatus: 400 });
      if (this.settings[key] === value) continue;
      this.#options.store?.set(key, value as never);
      (this.settings as unknown as Record<string, unknown>)[key] = value;
      if (SETTING_TAKES_EFFECT[key] !== 'at once') restartNeeded.push(key);
    }
    this.#watcher?.settingsChanged();
    if ('shadowPercent' in checked || 'shadowKeepImages' in checked) void this.#updateShadow();
    return { settings: { ...this.settings }, restartNeeded };
  }

  /**
   * Gives `slot` a new API token (only its SHA-256 is kept) and restarts the slot with it if it is
   * running; the token is in the answer and nowhere else, so show it once.
   */
  async rotateSlotToken(slot: SlotId): Promise<{ token: string; status: HostStatus }> {
    const token = generateToken();
    return { token, status: await this.#changeSlotToken(slot, tokenSha256(token)) };
  }

  /** Removes `slot`'s token (refused while it listens beyond loopback) and restarts it if running. */
  clearSlotToken(slot: SlotId): Promise<HostStatus> {
    return this.#changeSlotToken(slot, '');
  }

  async #changeSlotToken(slot: SlotId, sha256: string): Promise<HostStatus> {
    this.updateSettings(slot === 'asis' ? { asisTokenSha256: sha256 } : { tobeTokenSha256: sha256 });
    if (this.slots[slot].state !== 'stopped') await this.slots[slot].restart();
    return this.status();
  }

  /** Starts, stops or restarts the slots `target` names (see resolveSlotTargets). */
  async act(target: string, action: SlotAction): Promise<HostStatus> {
    const ports = { asis: slotPort('asis', this.settings), tobe: slotPort('tobe', this.settings) };
    const slots = resolveSlotTargets(target, ports);
    await Promise.all(slots.map((slot) => this.slots[slot][action]()));
    return this.status();
  }
}
