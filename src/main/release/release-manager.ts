import { EventEmitter } from 'node:events';
import { readWholeFile } from '../fs/read-whole-file.js';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DeployResult, GateRecord, HistoryEntry, ReleaseAction, ReleaseProgress, ReleaseStep, ReleaseTrigger, VersionRef } from '../../shared/release-api.js';
import { SLOT_IDS, SLOT_TITLES, type SlotId } from '../../shared/slot-api.js';
import { DeployStepError, fetchCandidate } from '../deploy/fetch-candidate.js';
import { LiteCnnError, describeError } from '../errors.js';
import { removeTempFiles, writeFileAtomic } from '../fs/atomic-write.js';
import { storageError } from '../fs/storage-errors.js';
import type { KeyPassphraseSource } from '../gpu/key-passphrase.js';
import { resolveSshTarget } from '../gpu/ssh-target.js';
import { slotBundleFile } from '../host/data-dir.js';
import { SLOT_ROLES } from '../host/slot-roles.js';
import { decodeBundle, sha256Hex } from '../model/bundle-format.js';
import type { Settings } from '../settings/settings-schema.js';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { faultPoint } from './fault-points.js';
import { HistoryLog } from './history-log.js';
import { ReleaseJournal, type PendingRelease } from './release-journal.js';
import { knownVersions, previousVersion } from './release-lineage.js';
import { ReleaseStateFile } from './release-state.js';
import { VersionArchive } from './version-archive.js';
import { checkReleaseTag, nextReleaseTag } from './version-tags.js';

/** What the release manager needs from the slots. */
export interface SlotControl {
  isReady(slot: SlotId): boolean;
  /** Makes the slot serve its (just replaced) bundle file without dropping requests. */
  swapModel(slot: SlotId, bundleFile: string): Promise<void>;
}

/** A step failure of promote, rollback or the end of a deploy; `afterwards` says where it left the slot. */
class ReleaseStepError extends LiteCnnError {
  constructor(readonly step: ReleaseStep, error: unknown, afterwards = '') {
    const cause = error instanceof LiteCnnError ? error : new LiteCnnError('INTERNAL', describeError(error));
    super(cause.code, `Failed at step "${step}": ${cause.message}${afterwards ? ` ${afterwards}` : ''}`, { httpStatus: cause.httpStatus === 500 ? 500 : cause.httpStatus, cause: error });
  }
}

/**
 * Deploy (GPU server -> TO-BE), promote (TO-BE -> AS-IS) and rollback, one at a time. Each ends
 * the same way: the replaced bundle goes to weights/history, the new one is written atomically,
 * the slot swaps models without dropping a request, then state and history are recorded. A
 * journal makes a crash at any point recoverable. Emits `progress` (ReleaseProgress) and
 * `history` (HistoryEntry).
 */
export class ReleaseManager extends EventEmitter {
  readonly history: HistoryLog;
  readonly archive: VersionArchive;
  readonly state: ReleaseStateFile;
  readonly #journal: ReleaseJournal;
  readonly #dataDir: string;
  readonly #settings: () => Settings;
  readonly #keyPassphrase: KeyPassphraseSource | undefined;
  readonly #slots: SlotControl;
  readonly #logger: Logger;
  readonly #checkCandidate: ((bytes: Buffer, trigger: ReleaseTrigger) => Promise<void>) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #progress: ReleaseProgress | null = null;

  /** `checkCandidate` may refuse a deploy candidate before it replaces TO-BE (the deploy gate). */
  constructor(options: { dataDir: string; settings: () => Settings; slots: SlotControl; logger: Logger; keyPassphrase?: KeyPassphraseSource; checkCandidate?: (bytes: Buffer, trigger: ReleaseTrigger) => Promise<void> }) {
    super();
    this.#checkCandidate = options.checkCandidate;
    this.#keyPassphrase = options.keyPassphrase;
    this.#dataDir = options.dataDir;
    this.#settings = options.settings;
    this.#slots = options.slots;
    this.#logger = options.logger;
    this.history = new HistoryLog(options.dataDir);
    this.archive = new VersionArchive(options.dataDir);
    this.state = new ReleaseStateFile(options.dataDir);
    this.#journal = new ReleaseJournal(options.dataDir);
  }

  /** The running operation's latest progress, or null when idle. */
  get progress(): ReleaseProgress | null {
    return this.#progress;
  }

  /**
   * Deploys the newest complete run (or `runId`) from the GPU server to TO-BE. The same model as
   * TO-BE serves is nothing to do. AS-IS is never touched.
   */
  deploy(options: { runId?: string; dryRun?: boolean; trigger: ReleaseTrigger }): Promise<DeployResult> {
    return this.#exclusive(async () => {
      const slot: SlotId = 'tobe';
      if (!SLOT_ROLES[slot].acceptsAutomaticDeploy) throw new LiteCnnError('INTERNAL', 'deploys may only reach TO-BE');
      const currentBundle = await this.#current(slot);
      const current = currentBundle?.ref;
      const report = (progress: Omit<ReleaseProgress, 'operation' | 'slot'>): void => this.#report({ operation: 'deploy', slot, ...progress });
      let outcome;
      try {
        const target = await resolveSshTarget(this.#settings(), this.#keyPassphrase).catch((error: unknown) => {
          throw new DeployStepError('connect', error);
        });
        outcome = await fetchCandidate(target, {
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
          skipSha256: await this.#alreadyDeployed(current, options.runId === undefined),
          defaultName: currentBundle?.name ?? 'litecnn',
          stagingRoot: join(this.#dataDir, 'staging'),
          graphCacheDataDir: this.#dataDir,
          onProgress: report,
        });
      } catch (error) {
        const failure = error instanceof DeployStepError ? error : new DeployStepError('connect', error);
        this.#report(null);
        await this.#record({ action: 'deploy', slot, trigger: options.trigger, outcome: 'failed', ...(current ? { from: current } : {}), error: { code: failure.code, message: failure.message, step: failure.step } });
        throw failure;
      }
      if (outcome.kind !== 'candidate') {
        this.#report(null);
        const message = outcome.kind === 'dry-run'
          ? `Would deploy run ${outcome.run.id} (model sha256 ${outcome.sha256?.slice(0, 12) ?? 'unknown until downloaded'}…) to TO-BE${outcome.sha256 && outcome.sha256 === current?.sha256 ? ', but TO-BE already serves it' : ''}.`
          : `Run ${outcome.run.id} is already deployed; nothing to do.`;
        return { outcome: outcome.kind, run: outcome.run, entry: null, message };
      }
      const { candidate } = outcome;
      if (this.#checkCandidate) {
        report({ step: 'gate' });
        try {
          await this.#checkCandidate(candidate.bytes, options.trigger);
        } catch (error) {
          const failure = new DeployStepError('gate', error);
          this.#report(null);
          await this.#record({ action: 'deploy', slot, trigger: options.trigger, outcome: 'failed', ...(current ? { from: current } : {}), to: refOf(candidate.bytes, slotBundleFile(this.#dataDir, slot), candidate.run.id), error: { code: failure.code, message: failure.message, step: 'gate' } });
          throw failure;
        }
      }
      const entry = await this.#install(slot, candidate.bytes, { action: 'deploy', trigger: options.trigger }, candidate.run.id);
      const version = entry.to!.version === candidate.run.id ? '' : ` as version ${entry.to!.version}`;
      return { outcome: 'deployed', run: candidate.run, entry, message: `Deployed run ${candidate.run.id}${version} to TO-BE.` };
    });
  }

  /**
   * TO-BE's bundle becomes AS-IS's, tagged (given, or the next minor version). Refused unless TO-BE
   * is ready, and, with a `gate` verdict, unless TO-BE still serves the model the gate judged.
   */
  promote(options: { tag?: string; trigger: ReleaseTrigger; judge?: () => Promise<{ gate?: GateRecord; reason?: string }> }): Promise<HistoryEntry> {
    return this.#exclusive(async () => {
      const tag = options.tag === undefined ? undefined : checkReleaseTag(options.tag);
      if (!this.#slots.isReady('tobe')) {
        throw new LiteCnnError('PROMOTE_REFUSED', 'TO-BE is not ready (stopped, starting or failed); only a model that is serving can be promoted. Check `litecnn status`.', { httpStatus: 409 });
      }
      const bytes = await readWholeFile(slotBundleFile(this.#dataDir, 'tobe'));
      const { manifest } = decodeBundle(bytes, slotBundleFile(this.#dataDir, 'tobe'));
      // Judged here, inside the queue: no deploy can replace TO-BE between the verdict and the install.
      const { gate, reason } = options.judge ? await options.judge() : {};
      if (gate && gate.tobe.sha256 !== manifest.onnx.sha256) {
        throw new LiteCnnError('PROMOTE_REFUSED', `The promotion gate judged TO-BE ${gate.tobe.version}, but its bundle file holds ${manifest.version}; promote again.`, { httpStatus: 409 });
      }
      const asis = await this.#currentRef('asis');
      if (asis?.bundleSha256 === sha256Hex(bytes)) {
        throw new LiteCnnError('PROMOTE_REFUSED', 'AS-IS already serves the same model as TO-BE; nothing to promote.', { httpStatus: 409 });
      }
      const releaseTag = tag ?? nextReleaseTag((await this.state.read()).lastTag);
      return this.#install('asis', bytes, { action: 'promote', trigger: options.trigger, tag: releaseTag, ...(gate ? { gate } : {}), ...(reason ? { reason } : {}) });
    });
  }

  /** Back to the slot's previous version, or to `to` (a version name or sha256 prefix). */
  rollback(options: { slot: SlotId; to?: string; trigger: ReleaseTrigger }): Promise<HistoryEntry> {
    return this.#exclusive(async () => {
      const { slot } = options;
      const entries = await this.history.entries();
      const current = await this.#currentRef(slot);
      const target = options.to === undefined ? previousVersion(entries, slot, (v) => v.bundleSha256 === current?.bundleSha256) : namedVersion(entries, slot, options.to);
      if (!target) {
        throw new LiteCnnError('ROLLBACK_NO_TARGET', options.to === undefined
          ? `${SLOT_TITLES[slot]} has no earlier version to roll back to.`
          : `${SLOT_TITLES[slot]} never served a version "${options.to}". See \`litecnn history\` for the versions it has served.`, { httpStatus: 404 });
      }
      if (target.bundleSha256 === current?.bundleSha256) {
        throw new LiteCnnError('ROLLBACK_NO_TARGET', `${SLOT_TITLES[slot]} already serves ${target.version}.`, { httpStatus: 409 });
      }
      const kept = await this.archive.get(target.bundleSha256);
      if (!kept) {
        throw new LiteCnnError('ROLLBACK_NO_TARGET', `Version ${target.version} (${target.bundleSha256.slice(0, 12)}…) is no longer kept in weights/history (historyLimit ${this.#settings().historyLimit}).`, { httpStatus: 410 });
      }
      return this.#install(slot, kept.bytes, { action: 'rollback', trigger: options.trigger, reason: `back to ${target.version}` });
    });
  }

  /**
   * Finishes or undoes an operation a crash interrupted (see ReleaseJournal), and removes
   * leftovers (staging, temp files). Call before the slots start; it also runs before each
   * operation, to record one whose own recording failed (a full disk).
   */
  async recover(): Promise<HistoryEntry | null> {
    await rm(join(this.#dataDir, 'staging'), { recursive: true, force: true });
    await removeTempFiles(join(this.#dataDir, 'weights'));
    await removeTempFiles(this.archive.dir);
    const pending = await this.#journal.pending();
    if (!pending) return null;
    if ((await this.history.entries()).some((e) => e.id === pending.id)) {
      await this.#journal.end();
      return null;
    }
    const file = slotBundleFile(this.#dataDir, pending.slot);
    const onDisk = await readWholeFile(file).then(sha256Hex, () => null);
    let entry: HistoryEntry;
    if (onDisk === pending.to.bundleSha256) {
      entry = this.#entryFor(pending, { outcome: 'success', recovered: true });
      await this.#recordState(pending, entry.time);
    } else {
      if (onDisk !== pending.from?.bundleSha256 && pending.from) {
        const kept = await this.archive.get(pending.from.bundleSha256);
        if (kept) await writeFileAtomic(file, kept.bytes);
      }
      entry = this.#entryFor(pending, { outcome: 'failed', recovered: true, error: { code: 'INTERNAL', message: 'Interrupted (the host stopped) before the new model was installed; the previous model was kept.', step: 'install' } });
    }
    await this.#record(entry);
    await this.#journal.end();
    this.#logger.warn({ entry }, 'recovered an interrupted release operation');
    return entry;
  }

  async #install(slot: SlotId, bytes: Buffer, operation: { action: ReleaseAction; trigger: ReleaseTrigger; tag?: string; reason?: string; gate?: GateRecord }, runId?: string): Promise<HistoryEntry> {
    const file = slotBundleFile(this.#dataDir, slot);
    const previousBytes = await readWholeFile(file).catch(() => null);
    const from = previousBytes ? refOf(previousBytes, file) : undefined;
    const to = refOf(bytes, file, runId);
    const pending: PendingRelease = { id: randomUUID(), ...operation, slot, to, ...(from ? { from } : {}), startedAt: new Date().toISOString() };
    let step: ReleaseStep = 'archive';
    let swapped = false;
    let putBack = false;
    const report = (next: ReleaseStep): void => {
      step = next;
      this.#report({ operation: operation.action, slot, step });
    };
    try {
      report('archive');
      if (previousBytes) await this.archive.keep(previousBytes);
      await this.archive.keep(bytes);
      await this.#journal.begin(pending);
      faultPoint('journal-written');
      report('install');
      await writeFileAtomic(file, bytes);
      faultPoint('bundle-written');
      report('swap');
      try {
        await this.#slots.swapModel(slot, file);
      } catch (error) {
        if (previousBytes) await writeFileAtomic(file, previousBytes);
        putBack = Boolean(previousBytes);
        await this.#journal.end();
        throw error;
      }
      swapped = true;
      faultPoint('swapped');
      report('record');
      const entry = this.#entryFor(pending, { outcome: 'success' });
      await this.#recordState(pending, entry.time);
      faultPoint('state-written');
      await this.#record(entry);
      await this.#journal.end();
      await this.#prune();
      return entry;
    } catch (error) {
      // After the swap the slot serves the new model: recording that as a failure would contradict
      // what is served. The journal stays instead, and the next operation (or start) records it.
      const afterwards = swapped
        ? `${SLOT_TITLES[slot]} serves ${to.version} already; history and state record it at the next release operation or host start.`
        : putBack ? `${SLOT_TITLES[slot]} was put back to ${from!.version}; try again.` : '';
      const failure = new ReleaseStepError(step, storageError(error, this.#dataDir) ?? error, afterwards);
      if (!swapped) {
        await this.#record(this.#entryFor(pending, { outcome: 'failed', error: { code: failure.code, message: failure.message, step } }));
        await this.#journal.end();
      }
      throw failure;
    } finally {
      this.#report(null);
    }
  }

  /** What a successful operation changes in state.json: the last deployed run, or the last tag. */
  async #recordState(pending: PendingRelease, time: string): Promise<void> {
    if (pending.action === 'deploy' && pending.to.runId) await this.state.update({ lastDeploy: { ...pending.to, runId: pending.to.runId, time } });
    if (pending.action === 'promote' && pending.tag) await this.state.update({ lastTag: pending.tag });
  }

  /** Model hashes a deploy treats as nothing to do. */
  async #alreadyDeployed(current: VersionRef | undefined, automatic: boolean): Promise<string[]> {
    const last = automatic ? (await this.state.read()).lastDeploy?.sha256 : undefined;
    return [current?.sha256, last].filter((sha): sha is string => Boolean(sha));
  }

  #entryFor(pending: PendingRelease, result: Pick<HistoryEntry, 'outcome'> & Partial<HistoryEntry>): HistoryEntry {
    return {
      id: pending.id,
      time: new Date().toISOString(),
      action: pending.action,
      slot: pending.slot,
      trigger: pending.trigger,
      to: pending.to,
      ...(pending.from ? { from: pending.from } : {}),
      ...(pending.tag ? { tag: pending.tag } : {}),
      ...(pending.reason ? { reason: pending.reason } : {}),
      ...(pending.gate ? { gate: pending.gate } : {}),
      ...result,
    };
  }

  async #record(entry: Omit<HistoryEntry, 'id' | 'time'> & Partial<Pick<HistoryEntry, 'id' | 'time'>>): Promise<void> {
    const full: HistoryEntry = { id: randomUUID(), time: new Date().toISOString(), ...entry };
    await this.history.append(full);
    this.#logger.info({ history: full }, `${full.action} ${full.slot} ${full.outcome}`);
    this.emit('history', full);
  }

  async #prune(): Promise<void> {
    const entries = await this.history.newestFirst();
    const recent = entries.flatMap((e) => [e.from?.bundleSha256, e.to?.bundleSha256]).filter((sha): sha is string => Boolean(sha));
    const serving = (await Promise.all(SLOT_IDS.map((slot) => this.#currentRef(slot)))).flatMap((ref) => (ref ? [ref.bundleSha256] : []));
    await this.archive.prune(recent, this.#settings().historyLimit, serving);
  }

  /** What a slot's bundle file holds now (read and hashed once), or undefined when it is missing or damaged. */
  async #current(slot: SlotId): Promise<{ ref: VersionRef; name: string } | undefined> {
    const file = slotBundleFile(this.#dataDir, slot);
    const bytes = await readWholeFile(file).catch(() => null);
    if (!bytes) return undefined;
    try {
      const { manifest } = decodeBundle(bytes, file);
      return { ref: refFor(bytes, manifest), name: manifest.name };
    } catch {
      return undefined;
    }
  }

  async #currentRef(slot: SlotId): Promise<VersionRef | undefined> {
    return (await this.#current(slot))?.ref;
  }

  #report(progress: ReleaseProgress | null): void {
    this.#progress = progress;
    this.emit('progress', progress);
  }

  /** Runs release operations one at a time, in the order they were asked for. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const afterRecovery = async (): Promise<T> => {
      await this.recover().catch((error: unknown) => {
        throw storageError(error, this.#dataDir) ?? error;
      });
      return work();
    };
    const run = this.#queue.then(afterRecovery, afterRecovery);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function refOf(bytes: Buffer, subject: string, runId?: string): VersionRef {
  return refFor(bytes, decodeBundle(bytes, subject).manifest, runId);
}

function refFor(bytes: Buffer, manifest: ModelManifest, runId?: string): VersionRef {
  const run = runId ?? manifest.source.runId;
  return { version: manifest.version, sha256: manifest.onnx.sha256, bundleSha256: sha256Hex(bytes), ...(run ? { runId: run } : {}) };
}

function namedVersion(entries: HistoryEntry[], slot: SlotId, name: string): VersionRef | undefined {
  const versions = knownVersions(entries, slot);
  return versions.find((v) => v.version === name || v.version === name.replace(/^v/, ''))
    ?? (name.length >= 8 ? versions.find((v) => v.bundleSha256.startsWith(name) || v.sha256.startsWith(name)) : undefined);
}
