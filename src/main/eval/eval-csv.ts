import type { Prediction } from '../../shared/slot-api.js';
import { classInTop } from './class-names.js';

/** What one model said about one image: its top 5 (best first) and the milliseconds it took, or why it failed. */
export type EvalAnswer = { predictions: Prediction[]; ms: number } | { error: string };

/** One image of an evaluation, as one line of `results.csv`. */
export interface EvalImageRow {
  /** Path relative to the set's folder. */
  file: string;
  /** The class subfolder's name, or null when the set is unlabelled. */
  trueClass: string | null;
  asis: EvalAnswer;
  tobe: EvalAnswer;
  /** Whether both models gave the same top-1 label; null unless both answered. */
  agree: boolean | null;
  /** Milliseconds the host spent decoding the image; null when it could not be decoded. */
  decodeMs: number | null;
}

/** A cell before it is written: text is quoted and neutralised, numbers rounded, booleans 1/0, null empty. */
type CsvValue = string | number | boolean | null;

const LINE_END = '\r\n'; // RFC 4180 records end with CRLF; every spreadsheet and CSV reader accepts it

const MODEL_COLUMNS = ['top1', 'top1_en', 'score', 'top1_correct', 'top5_correct', 'ms', 'error'] as const;

/** The first line of `results.csv`, CRLF included, so `EVAL_CSV_HEADER + rows.join('')` is the whole file. */
export const EVAL_CSV_HEADER = csvLine([
  'file',
  'true_class',
  ...MODEL_COLUMNS.map((column) => `asis_${column}`),
  ...MODEL_COLUMNS.map((column) => `tobe_${column}`),
  'agree',
  'decode_ms',
]);

/**
 * One image as a CSV record (RFC 4180, CRLF included), in the columns of `EVAL_CSV_HEADER`.
 * Booleans are written 1/0 so a spreadsheet's AVERAGE of a column is its rate; unknown is an empty cell.
 */
export function evalCsvRow(row: EvalImageRow): string {
  return csvLine([row.file, row.trueClass, ...modelCells(row.asis, row.trueClass), ...modelCells(row.tobe, row.trueClass), row.agree, roundTo(row.decodeMs, 2)]);
}

function modelCells(answer: EvalAnswer, trueClass: string | null): CsvValue[] {
  if ('error' in answer) return [null, null, null, null, null, null, answer.error];
  const top1 = answer.predictions[0];
  const labelled = trueClass !== null && top1 !== undefined;
  return [
    top1?.label ?? null,
    top1?.breed_en ?? null,
    roundTo(top1?.score ?? null, 6),
    labelled ? classInTop(trueClass, answer.predictions, 1) : null,
    labelled ? classInTop(trueClass, answer.predictions, 5) : null,
    roundTo(answer.ms, 2),
    null,
  ];
}

/** At most `digits` decimals, never in exponent form (`String` of a rounded number below 1e21 has none). */
function roundTo(value: number | null, digits: number): number | null {
  return value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits));
}

function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + LINE_END;
}

function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  return quoteField(neutraliseFormula(value));
}

/** File and class names come from users: a cell a spreadsheet would run as a formula gets a leading `'` (OWASP CSV injection). */
function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/u.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
function quoteField(text: string): string {
  return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
