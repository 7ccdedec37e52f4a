import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VersionRef } from '../../shared/release-api.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/**
 * `state.json`: what the watcher compares new runs against (it replaces the old
 * ~/.litecnn_last_deploy.txt) and the last release tag. Written atomically.
 */
export interface ReleaseState {
  lastDeploy: (VersionRef & { runId: string; time: string }) | null;
  lastTag: string | null;
}

const EMPTY: ReleaseState = { lastDeploy: null, lastTag: null };

export class ReleaseStateFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'state.json');
  }

  async read(): Promise<ReleaseState> {
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (!text) return { ...EMPTY };
    try {
      return { ...EMPTY, ...(JSON.parse(text) as Partial<ReleaseState>) };
    } catch {
      return { ...EMPTY };
    }
  }

  async update(change: Partial<ReleaseState>): Promise<ReleaseState> {
    const next = { ...(await this.read()), ...change };
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }
}
