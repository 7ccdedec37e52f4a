import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EvalProgress, EvalSummary } from '../../shared/eval-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import { EvalStore } from './eval-store.js';
import { checkEvalSet, runEvaluation, type CheckedEvalSet, type EvalSlot } from './evaluation.js';

export interface EvaluationsOptions {
  dataDir: string;
  /** Both slots as they serve now; throws when one is not serving. */
  slots: () => Promise<Record<SlotId, EvalSlot>>;
  maxInputPixels: () => number;
  /** How many stored evaluations to keep (setting evaluationsKept). */
  kept: () => number;
}

/**
 * The host's evaluations: one runs at a time (it keeps both slots busy), in the background or
 * awaited (the promotion gate); the stored ones are listed and read back, and the oldest beyond
 * `kept` are removed when one ends. Emits `progress` (EvalProgress) while one runs, `finished`
 * (EvalSummary) when it ends, however it ends, and `running` (a boolean) as one begins and ends.
 */
export class Evaluations extends EventEmitter {
  readonly store: EvalStore;
  readonly #options: EvaluationsOptions;
  #running: { id: string; controller: AbortController; done: Promise<EvalSummary> } | null = null;
  #starting = false;

  constructor(options: EvaluationsOptions) {
    super();
    this.#options = options;
    this.store = new EvalStore(options.dataDir);
  }

  /** Whether an evaluation is running now. */
  get running(): boolean {
    return this.#running !== null;
  }

  /** Marks evaluations a stopped host left running as failed. */
  recover(): Promise<void> {
    return this.store.markInterrupted();
  }

  /** Starts evaluating `dir` and returns as soon as it runs (BUSY while another runs); follow it through the events. */
  async start(dir: string): Promise<EvalProgress> {
    const { id, setDir, images } = await this.#begin(dir);
    return { id, setName: basename(setDir), done: 0, found: images };
  }

  /**
   * Evaluates `dir` once the running evaluation (if any) has ended, and resolves with the stored
   * summary; `slots` overrides the serving slots (a deploy candidate). For the gates, which must not
   * fail because someone else is evaluating.
   */
  async run(dir: string | CheckedEvalSet, slots?: Record<SlotId, EvalSlot>): Promise<EvalSummary> {
    for (;;) {
      const busy: Promise<unknown> | null = this.#running?.done ?? (this.#starting ? new Promise<void>((resolve) => setTimeout(resolve, 50)) : null);
      if (!busy) break;
      await busy.catch(() => undefined);
    }
    return (await this.#begin(dir, slots)).done;
  }

  /** Stops the running evaluation, if any, and waits for its summary (the host is stopping). */
  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }

  /** Stops the running evaluation `id`; its summary is kept, marked cancelled. */
  async cancel(id: string): Promise<EvalSummary> {
    const running = this.#running;
    if (!running || running.id !== id) throw new LiteCnnError('NOT_FOUND', `No evaluation "${id}" is running.`, { httpStatus: 404 });
    running.controller.abort();
    return running.done;
  }

  list(): Promise<EvalSummary[]> {
    return this.store.list();
  }

  get(id: string): Promise<EvalSummary> {
    return this.store.get(id);
  }

  readReport(id: string): Promise<Buffer> {
    return this.store.readReport(id);
  }

  readThumbnail(id: string, name: string): Promise<Buffer> {
    return this.store.readThumbnail(id, name);
  }

  async readCsv(id: string): Promise<Buffer> {
    return readFile(this.store.files(id).csv).catch(() => {
      throw new LiteCnnError('NOT_FOUND', `Evaluation "${id}" has no results.csv yet (it is still running, or it was not found).`, { httpStatus: 404 });
    });
  }

  async #begin(dir: string | CheckedEvalSet, slotsToUse?: Record<SlotId, EvalSlot>): Promise<{ id: string; setDir: string; images: number; done: Promise<EvalSummary> }> {
    if (this.#running || this.#starting) {
      const which = this.#running ? `Evaluation ${this.#running.id} is still running; wait for it or cancel it (\`litecnn eval --cancel ${this.#running.id}\`).` : 'Another evaluation is starting; wait for it.';
      throw new LiteCnnError('BUSY', which, { httpStatus: 409 });
    }
    this.#starting = true;
    let setDir: string;
    let images: number;
    let fingerprint: string;
    let slots: Record<SlotId, EvalSlot>;
    try {
      ({ setDir, images, fingerprint } = typeof dir === 'string' ? await checkEvalSet(dir) : dir);
      slots = slotsToUse ?? (await this.#options.slots());
    } finally {
      this.#starting = false;
    }
    const id = EvalStore.newId();
    const controller = new AbortController();
    const done = runEvaluation({
      id,
      setDir,
      images,
      setFingerprint: fingerprint,
      store: this.store,
      slots,
      maxInputPixels: this.#options.maxInputPixels(),
      signal: controller.signal,
      onProgress: (progress) => this.emit('progress', progress),
    }).then(async (summary) => {
      // Removing what is beyond the limit is housekeeping: a failure is tried again after the next one.
      await this.store.prune(this.#options.kept()).catch(() => undefined);
      this.emit('finished', summary);
      return summary;
    }).finally(() => {
      this.#running = null;
      this.emit('running', false);
    });
    this.#running = { id, controller, done };
    this.emit('running', true);
    done.catch(() => undefined);
    return { id, setDir, images, done };
  }
}
