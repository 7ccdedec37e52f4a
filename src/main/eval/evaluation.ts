import type { WriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';
import type { EvalProgress, EvalSummary } from '../../shared/eval-api.js';
import type { CompareResult } from '../../shared/host-api.js';
import type { ModelSummary } from '../../shared/model-manifest.js';
import { SLOT_IDS, SLOT_TITLES, type SlotId } from '../../shared/slot-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { compareOnSlots } from '../host/compare-slots.js';
import type { SlotEndpoint } from '../http/slot-endpoint.js';
import { evalCsvRow, type EvalAnswer, type EvalImageRow } from './eval-csv.js';
import { renderEvalReportHtml } from './eval-report-html.js';
import type { EvalFiles, EvalStore } from './eval-store.js';
import { EvalTally, type EvalMeta } from './eval-tally.js';
import { walkImages, type SetImage } from './image-walk.js';

/** A serving slot as an evaluation sees it: where to send images, and which model must answer. */
export type EvalSlot = { endpoint: SlotEndpoint; model: ModelSummary };

export interface EvaluationOptions {
  id: string;
  /** The set as `checkEvalSet` found it. */
  setDir: string;
  images: number;
  store: EvalStore;
  slots: Record<SlotId, EvalSlot>;
  maxInputPixels?: number;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
}

/** Images in flight at once: one decoding in the host while the other is in the slots. */
const IN_FLIGHT = 2;
const PROGRESS_EVERY_MS = 250;
const THUMBNAIL_SIDE = 160;

/** Checks that `dir` is a folder with at least one image; returns its absolute path and image count. */
export async function checkEvalSet(dir: string): Promise<{ setDir: string; images: number }> {
  const setDir = resolve(dir);
  const info = await stat(setDir).catch(() => null);
  if (!info?.isDirectory()) throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} is not a folder. Give a folder of images, optionally in one subfolder per class.`, { subject: setDir, httpStatus: 400 });
  let images = 0;
  try {
    for await (const image of walkImages(setDir)) {
      void image;
      images++;
    }
  } catch (error) {
    throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} cannot be read (${describeError(error)}). Check its permissions.`, { subject: setDir, httpStatus: 400, cause: error });
  }
  if (images === 0) throw new LiteCnnError('EVAL_SET_INVALID', `${setDir} has no images (.jpg .jpeg .png .webp .gif .avif .tif .tiff), directly or in class subfolders.`, { subject: setDir, httpStatus: 400 });
  return { setDir, images };
}

/**
 * Runs every image of a set through both slots (decoded once, see compareOnSlots) and stores the
 * result: results.csv row by row as images finish, the summary (counts only, so memory stays flat
 * however large the set), thumbnails of the disagreements it keeps, and the HTML report.
 */
export async function runEvaluation(options: EvaluationOptions): Promise<EvalSummary> {
  const { id, store, slots, setDir, images: total } = options;
  const meta: EvalMeta = { id, setDir, setName: basename(setDir), state: 'running', error: null, startedAt: new Date().toISOString(), finishedAt: null };
  const tally = new EvalTally({ asis: slots.asis.model, tobe: slots.tobe.model });
  const { files, csv } = await store.create(id);
  await store.saveSummary(tally.summary(meta));
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    options.onProgress?.({ id, setName: meta.setName, done: tally.images, found: total, walking: false });
  };
  let stopped: { state: 'failed' | 'cancelled'; error: string } | null = null;
  let thumbnails = 0;
  try {
    const images = walkImages(setDir);
    const next = async (): Promise<void> => {
      for (let item = await images.next(); !item.done; item = await images.next()) {
        if (options.signal?.aborted) throw new LiteCnnError('NOT_READY', 'The evaluation was cancelled.');
        const row = await evaluateImage(item.value, slots, options.maxInputPixels);
        const bytes = row.bytes;
        const thumbnail = tally.keepsDisagreement(row.row) && bytes ? await writeThumbnail(files, ++thumbnails, bytes) : null;
        tally.add(row.row, thumbnail);
        await writeRow(csv, evalCsvRow(row.row));
        progress(false);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, next));
  } catch (error) {
    stopped = options.signal?.aborted ? { state: 'cancelled', error: 'Cancelled.' } : { state: 'failed', error: describeError(error) };
  }
  progress(true);
  await store.finishCsv(files, csv).catch(() => undefined);
  const summary = tally.summary({ ...meta, state: stopped?.state ?? 'done', error: stopped?.error ?? null, finishedAt: new Date().toISOString() });
  await writeFileAtomic(files.report, renderEvalReportHtml(summary, await readThumbnails(files, summary)));
  await store.saveSummary(summary);
  return summary;
}

/** One image through both slots, as its CSV row; the image bytes are kept for a thumbnail. */
async function evaluateImage(image: SetImage, slots: Record<SlotId, EvalSlot>, maxInputPixels: number | undefined): Promise<{ row: EvalImageRow; bytes: Buffer | null }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(image.path);
  } catch (error) {
    const failed = { error: `cannot read the file (${describeError(error)})` };
    return { row: { file: image.file, trueClass: image.trueClass, asis: failed, tobe: failed, agree: null, decodeMs: null }, bytes: null };
  }
  const result = await compareOnSlots(bytes, { asis: slots.asis.endpoint, tobe: slots.tobe.endpoint }, 5, maxInputPixels);
  for (const slot of SLOT_IDS) checkSameModel(result, slot, slots[slot].model);
  return {
    row: { file: image.file, trueClass: image.trueClass, asis: answerOf(result.asis), tobe: answerOf(result.tobe), agree: result.agree, decodeMs: result.prepareMs },
    bytes,
  };
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

async function writeThumbnail(files: EvalFiles, index: number, bytes: Buffer): Promise<string | null> {
  try {
    const jpeg = await sharp(bytes, { limitInputPixels: 100_000_000 }).rotate().resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer();
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

/** Writes a CSV row, waiting when the stream's buffer is full so rows never pile up in memory. */
async function writeRow(csv: WriteStream, row: string): Promise<void> {
  if (!csv.write(row)) await new Promise<void>((resolve) => csv.once('drain', () => resolve()));
}
