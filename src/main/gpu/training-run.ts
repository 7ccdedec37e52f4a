import { posix } from 'node:path';
import { LiteCnnError } from '../errors.js';

/**
 * The files of a training run, `<runsDir>/<runId>/`. DONE is written last by the training job;
 * a run without it is still training and is ignored.
 */
export const RUN_FILES = {
  model: 'model.onnx',
  labels: 'labels.json',
  preprocess: 'preprocess.json',
  metrics: 'metrics.json',
  done: 'DONE',
} as const;

/** Largest accepted size of each run file, so a broken run cannot fill the disk or memory. */
export const RUN_FILE_LIMITS: Readonly<Record<'model' | 'labels' | 'preprocess' | 'metrics', number>> = {
  model: 2 * 1024 ** 3,
  labels: 4 * 1024 ** 2,
  preprocess: 64 * 1024,
  metrics: 1024 ** 2,
};

/** A complete run on the GPU server. */
export interface TrainingRun {
  id: string;
  /** When DONE was written (ISO time). */
  completedAt: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True for names that are safe as one path segment: letters, digits, `.`, `_`, `-`; no `..`, no slashes. */
export function isSafeRunId(id: string): boolean {
  return RUN_ID.test(id) && !id.includes('..');
}

/** Refuses run ids that could leave the runs folder (`../x`, `a/b`) or confuse a shell. */
export function checkRunId(id: string): string {
  if (!isSafeRunId(id)) {
    throw new LiteCnnError('RUN_ID_INVALID', `"${id}" is not a valid run id: use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit, and no "..".`, { subject: id, httpStatus: 400 });
  }
  return id;
}

/** The remote path of a run file. */
export function runFilePath(runsDir: string, runId: string, file: string): string {
  return posix.join(runsDir, checkRunId(runId), file);
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
