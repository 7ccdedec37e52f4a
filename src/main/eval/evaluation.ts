import type { WriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { EvalProgress, EvalSummary } from '../../shared/eval-api.js';
import type { CompareResult } from '../../shared/host-api.js';
import type { ModelLabel, ModelSummary } from '../../shared/model-manifest.js';
import { SLOT_IDS, SLOT_TITLES, type Prediction, type SlotId } from '../../shared/slot-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { compareOnSlots } from '../host/compare-slots.js';
import type { SlotEndpoint } from '../http/slot-endpoint.js';
import { evalCsvRow, type EvalAnswer, type EvalImageRow } from './eval-csv.js';
import { labelMatches } from './class-names.js';
import { DEFAULT_MAX_INPUT_PIXELS } from '../inference/input-limits.js';
import { IMAGE_EXTENSIONS } from '../fs/image-files.js';
import { renderEvalReportHtml } from './eval-report-html.js';
import type { EvalFiles, EvalStore } from './eval-store.js';
import { EvalTally, type EvalMeta } from './eval-tally.js';
import { walkImages, type SetImage } from './image-walk.js';

/** A serving slot as an evaluation sees it: where to send images, which model must answer, and its labels (to recognise class folders). */
export type EvalSlot = { endpoint: SlotEndpoint; model: ModelSummary; labels?: readonly ModelLabel[]; bundleSha256?: string };

export interface EvaluationOptions {
  id: string;
  /** The set as `checkEvalSet` found it. */
  setDir: string;
  images: number;
  setFingerprint: string;
  store: EvalStore;
  slots: Record<SlotId, EvalSlot>;
  maxInputPixels?: number;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
}

/**
 * Images in flight at once. One: the slots answer one after the other and nothing else of the
 * evaluation runs meanwhile, so each model's latency is its own (TO-BE may run at a lower CPU
 * priority, see shadow mode, and would lose every contest for the CPU).
 */
const IN_FLIGHT = 1;
const PROGRESS_EVERY_MS = 250;
const THUMBNAIL_SIDE = 160;

/** A set folder as `checkEvalSet` found it. */
export interface CheckedEvalSet {
  setDir: string;
  images: number;
  fingerprint: string;
}

/** Checks that `dir` is a folder with at least one image; returns its absolute path, image count and fingerprint (see EvalSummary.setFingerprint). */
export async function checkEvalSet(dir: string): Promise<CheckedEvalSet> {
  if (!isAbsolute(dir)) {
    throw new LiteCnnError('EVAL_SET_INVALID', `"${dir}" is a relative path; give the folder's full path (e.g. /Users/me/photos/breeds): the host does not know which folder it would be relative to.`, { subject: dir, httpStatus: 400 });
  }
  const setDir = resolve(dir);
  const info = await stat(setDir).catch(() => null);
  if (!info?.isDirectory()) throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} is not a folder. Give a folder of images, optionally in one subfolder per class.`, { subject: setDir, httpStatus: 400 });
  let images = 0;
  const fingerprint = createHash('sha256');
  try {
    for await (const image of walkImages(setDir)) {
      const file = await stat(image.path).catch(() => null);
      fingerprint.update(`${image.file}\0${file?.size ?? -1}\0${file?.mtimeMs ?? -1}\n`);
      images++;
    }
  } catch (error) {
    throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} cannot be read (${describeError(error)}). Check its permissions.`, { subject: setDir, httpStatus: 400, cause: error });
  }
  if (images === 0) throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} has no images (${[...IMAGE_EXTENSIONS].join(' ')}), directly or in class subfolders.`, { subject: setDir, httpStatus: 400 });
  return { setDir, images, fingerprint: fingerprint.digest('hex') };
}

/**
 * Runs every image of a set through both slots (prepared by the host, see compareOnSlots; one slot after
 * the other, so neither model's latency includes the other's work) and stores the result:
 * results.csv row by row, the summary (counts only, so memory stays flat however large the set),
 * thumbnails of the disagreements it keeps, and the HTML report. It never throws: whatever stops
 * it (a cancel, a slot that stops answering, a full disk) ends in a summary that says so.
 */
export async function runEvaluation(options: EvaluationOptions): Promise<EvalSummary> {
  const { id, store, slots, setDir, images: total } = options;
  const meta: EvalMeta = { id, setDir, setName: basename(setDir), state: 'running', error: null, startedAt: new Date().toISOString(), finishedAt: null, setFingerprint: options.setFingerprint };
  const tally = new EvalTally(slots);
  const classes = new ClassNames(slots);
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    options.onProgress?.({ id, setName: meta.setName, done: tally.images, found: total });
  };
  const stop = new AbortController();
  const cancel = (): void => stop.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  let failure: string | null = null;
  const fail = (error: unknown): void => {
    failure ??= describeError(error);
    stop.abort();
  };
  let stored: { files: EvalFiles; csv: WriteStream } | null = null;
  let thumbnails = 0;
  try {
    stored = await store.create(id);
    const { files, csv } = stored;
    csv.on('error', fail);
    await store.saveSummary(tally.summary(meta));
    const images = walkImages(setDir);
    const worker = async (): Promise<void> => {
      for (let item = await images.next(); !item.done && !stop.signal.aborted; item = await images.next()) {
        const image = { ...item.value, trueClass: classes.known(item.value.trueClass) };
        const { row, bytes } = await evaluateImage(image, slots, options.maxInputPixels, stop.signal);
        if (stop.signal.aborted) return;
        const thumbnail = tally.keepsDisagreement(row) && bytes ? await writeThumbnail(files, ++thumbnails, bytes, options.maxInputPixels) : null;
        tally.add(row, thumbnail);
        await writeRow(csv, evalCsvRow(row));
        progress(false);
      }
    };
    await Promise.allSettled(Array.from({ length: IN_FLIGHT }, () => worker().catch(fail)));
  } catch (error) {
    fail(error);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
  progress(true);
  const state = failure !== null ? 'failed' : options.signal?.aborted ? 'cancelled' : 'done';
  let summary: EvalSummary = {
    ...tally.summary({ ...meta, state, error: failure ?? (state === 'cancelled' ? 'Cancelled.' : null), finishedAt: new Date().toISOString() }),
    unknownClasses: classes.unknown(),
  };
  if (stored) {
    const files = stored.files;
    const written = await Promise.allSettled([
      store.finishCsv(files, stored.csv),
      readThumbnails(files, summary).then((kept) => writeFileAtomic(files.report, renderEvalReportHtml(summary, kept))),
    ]);
    const lost = written.flatMap((outcome) => (outcome.status === 'rejected' ? [describeError(outcome.reason)] : []));
    if (lost.length > 0) summary = { ...summary, state: 'failed', error: [summary.error, `its files could not be written: ${lost.join('; ')}`].filter(Boolean).join('; ') };
    await store.saveSummary(summary).catch(() => undefined);
  }
  return summary;
}

/** How many times an image is tried again while a slot answers 503 BUSY (other traffic), a quarter second apart. */
const BUSY_RETRIES = 40;

/** One image through both slots, as its CSV row; the image bytes are kept for a thumbnail. */
async function evaluateImage(image: SetImage, slots: Record<SlotId, EvalSlot>, maxInputPixels: number | undefined, signal: AbortSignal): Promise<{ row: EvalImageRow; bytes: Buffer | null }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(image.path);
  } catch (error) {
    const failed = { error: `cannot read the file (${describeError(error)})` };
    return { row: { file: image.file, trueClass: image.trueClass, asis: failed, tobe: failed, agree: null, decodeMs: null }, bytes: null };
  }
  let result: CompareResult;
  for (let attempt = 0; ; attempt++) {
    result = await compareOnSlots(bytes, { asis: slots.asis.endpoint, tobe: slots.tobe.endpoint }, { maxInputPixels, oneSlotAtATime: true, source: 'eval' });
    const busy = SLOT_IDS.some((slot) => errorCode(result[slot]) === 'BUSY');
    if (!busy || attempt >= BUSY_RETRIES || signal.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const slot of SLOT_IDS) {
    checkSameModel(result, slot, slots[slot].model);
    checkAnswered(result, slot);
  }
  return {
    row: { file: image.file, trueClass: image.trueClass, asis: answerOf(result.asis), tobe: answerOf(result.tobe), agree: result.agree, decodeMs: result.prepareMs },
    bytes,
  };
}

function errorCode(answer: CompareResult['asis']): string | null {
  return 'error' in answer ? answer.error.code : null;
}

/** A slot that stops answering (or stays busy) ends the evaluation: its failures would not be the model's. */
function checkAnswered(result: CompareResult, slot: SlotId): void {
  const answer = result[slot];
  if ('error' in answer && (answer.error.code === 'NOT_READY' || answer.error.code === 'BUSY')) {
    throw new LiteCnnError('NOT_READY', `The ${SLOT_TITLES[slot]} slot stopped answering during the evaluation (${answer.error.message}); run it again once both slots serve.`);
  }
}

/** An evaluation compares two fixed models: a swap in the middle would mix two models' answers. */
function checkSameModel(result: CompareResult, slot: SlotId, model: ModelSummary): void {
  const answer = result[slot];
  if ('model' in answer && answer.model.sha256 !== model.sha256) {
    throw new LiteCnnError('EVAL_MODEL_CHANGED', `The ${SLOT_TITLES[slot]} model changed during the evaluation (${model.version} -> ${answer.model.version}); run it again.`);
  }
}

function answerOf(answer: CompareResult['asis']): EvalAnswer {
  return 'predictions' in answer ? { predictions: answer.predictions, ms: answer.timing_ms.total } : { error: `${answer.error.code}: ${answer.error.message}` };
}

async function writeThumbnail(files: EvalFiles, index: number, bytes: Buffer, maxInputPixels = DEFAULT_MAX_INPUT_PIXELS): Promise<string | null> {
  try {
    const { default: sharp } = await import('sharp');
    const jpeg = await sharp(bytes, { limitInputPixels: maxInputPixels }).rotate().resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer();
    const name = `${index}.jpg`;
    await writeFileAtomic(join(files.thumbnails, name), jpeg);
    return name;
  } catch {
    return null;
  }
}

async function readThumbnails(files: EvalFiles, summary: EvalSummary): Promise<Map<string, Uint8Array>> {
  const thumbnails = new Map<string, Uint8Array>();
  for (const { thumbnail } of summary.disagreements) {
    if (thumbnail) thumbnails.set(thumbnail, await readFile(join(files.thumbnails, thumbnail)).catch(() => new Uint8Array()));
  }
  return thumbnails;
}

/** Writes a CSV row, waiting when the stream's buffer is full so rows never pile up in memory (an error rejects). */
async function writeRow(csv: WriteStream, row: string): Promise<void> {
  if (!csv.write(row)) await once(csv, 'drain');
}

/**
 * Which class folders name a class: one that matches a label (id, English or Korean name) of
 * either model. Other folders (dates, sources) leave their images unlabelled, and are listed, so
 * a set organised some other way is not scored as if every answer were wrong.
 */
class ClassNames {
  readonly #labels: Prediction[];
  readonly #verdicts = new Map<string, boolean>();

  constructor(slots: Record<SlotId, EvalSlot>) {
    this.#labels = SLOT_IDS.flatMap((slot) => (slots[slot].labels ?? []).map((label) => ({ label: label.id, breed_en: label.en, breed_ko: label.ko, score: 0 })));
  }

  known(folder: string | null): string | null {
    if (folder === null) return null;
    if (this.#labels.length === 0) return folder;
    let known = this.#verdicts.get(folder);
    if (known === undefined) {
      known = this.#labels.some((label) => labelMatches(folder, label));
      this.#verdicts.set(folder, known);
    }
    return known ? folder : null;
  }

  unknown(): string[] {
    return [...this.#verdicts].filter(([, known]) => !known).map(([folder]) => folder).sort();
  }
}
