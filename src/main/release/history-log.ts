import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry } from '../../shared/release-api.js';

/**
 * The append-only release history, one JSON object per line. Each append is fsynced; a line cut
 * short by a crash is skipped when reading, so history is never lost or rewritten.
 */
export class HistoryLog {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'history.jsonl');
  }

  async append(entry: HistoryEntry): Promise<void> {
    const handle = await open(this.file, 'a+', 0o644);
    try {
      // A previous crash may have left a partial line without its newline; start a fresh one.
      const { size } = await handle.stat();
      const prefix = size > 0 && !(await endsWithNewline(handle, size)) ? '\n' : '';
      await handle.write(`${prefix}${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Every entry, oldest first. */
  async entries(): Promise<HistoryEntry[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const entries: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as HistoryEntry);
      } catch {
        // a line torn by a crash mid-append
      }
    }
    return entries;
  }

  /** Every entry, newest first. */
  async newestFirst(): Promise<HistoryEntry[]> {
    return (await this.entries()).reverse();
  }
}

async function endsWithNewline(handle: import('node:fs/promises').FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
