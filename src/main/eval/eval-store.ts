import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalSummary } from '../../shared/eval-api.js';
import { LiteCnnError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { EVAL_CSV_HEADER } from './eval-csv.js';

const EVAL_ID = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;
const THUMBNAIL_NAME = /^[0-9]{1,6}\.jpg$/;

/** The files of one stored evaluation. */
export interface EvalFiles {
  dir: string;
  summary: string;
  csv: string;
  report: string;
  thumbnails: string;
}

/**
 * Stored evaluations, one folder each under `DATA/evals/`: summary.json, results.csv (one row per
 * image), report.html (self-contained) and thumbnails/ of the disagreements the summary keeps.
 */
export class EvalStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'evals');
  }

  /** A new evaluation id: its start time (UTC) and a random suffix, so ids sort by time. */
  static newId(now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    return `${stamp}-${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`;
  }

  files(id: string): EvalFiles {
    if (!EVAL_ID.test(id)) throw notFound(id);
    const dir = join(this.root, id);
    return { dir, summary: join(dir, 'summary.json'), csv: join(dir, 'results.csv'), report: join(dir, 'report.html'), thumbnails: join(dir, 'thumbnails') };
  }

  /** Makes the evaluation's folder and opens its CSV, written as `results.csv.partial` until `finishCsv`. */
  async create(id: string): Promise<{ files: EvalFiles; csv: WriteStream }> {
    const files = this.files(id);
    await mkdir(files.thumbnails, { recursive: true });
    const csv = createWriteStream(`${files.csv}.partial`, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => csv.once('open', () => resolve()).once('error', reject));
    csv.write(EVAL_CSV_HEADER);
    return { files, csv };
  }

  /** Closes the CSV, flushes it to disk and gives it its final name. */
  async finishCsv(files: EvalFiles, csv: WriteStream): Promise<void> {
    await new Promise<void>((resolve, reject) => csv.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const handle = await open(`${files.csv}.partial`, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(`${files.csv}.partial`, files.csv);
  }

  async saveSummary(summary: EvalSummary): Promise<void> {
    await writeFileAtomic(this.files(summary.id).summary, `${JSON.stringify(summary, null, 2)}\n`);
  }

  async get(id: string): Promise<EvalSummary> {
    try {
      return JSON.parse(await readFile(this.files(id).summary, 'utf8')) as EvalSummary;
    } catch (error) {
      if (error instanceof LiteCnnError) throw error;
      throw notFound(id);
    }
  }

  /** Every stored evaluation, newest first; a folder without a readable summary is skipped. */
  async list(): Promise<EvalSummary[]> {
    const summaries = (await Promise.all((await this.#ids()).map((id) => this.get(id).catch(() => null)))).filter((summary): summary is EvalSummary => summary !== null);
    // Ids name the second they began in; two begun in the same second are told apart by startedAt.
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  }

  /**
   * Removes the stored evaluations beyond the newest `keep` (by the second they began in, from
   * their ids, so only those beyond are read) that are not running; answers their ids.
   */
  async prune(keep: number): Promise<string[]> {
    const removed: string[] = [];
    for (const id of (await this.#ids()).slice(keep)) {
      if ((await this.get(id).catch(() => null))?.state === 'running') continue;
      await rm(this.files(id).dir, { recursive: true, force: true });
      removed.push(id);
    }
    return removed;
  }

  /** The stored evaluations' ids, newest first to the second. */
  async #ids(): Promise<string[]> {
    return (await readdir(this.root).catch(() => [] as string[])).filter((name) => EVAL_ID.test(name)).sort().reverse();
  }

  /** Marks evaluations left `running` by a host that stopped as failed (run once, at host start). */
  async markInterrupted(): Promise<void> {
    for (const summary of await this.list()) {
      if (summary.state !== 'running') continue;
      await this.saveSummary({ ...summary, state: 'failed', error: 'The host stopped during this evaluation; run it again.', finishedAt: summary.finishedAt ?? new Date().toISOString() });
    }
  }

  async readThumbnail(id: string, name: string): Promise<Buffer> {
    if (!THUMBNAIL_NAME.test(name)) throw notFound(`${id}/thumbnails/${name}`);
    return readFile(join(this.files(id).thumbnails, name)).catch(() => {
      throw notFound(`${id}/thumbnails/${name}`);
    });
  }

  async readReport(id: string): Promise<Buffer> {
    return readFile(this.files(id).report).catch(() => {
      throw notFound(`${id}/report.html`);
    });
  }
}

function notFound(what: string): LiteCnnError {
  return new LiteCnnError('NOT_FOUND', `No stored evaluation "${what}". \`litecnn eval --list\` shows them.`, { httpStatus: 404 });
}
