import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateRecord, ReleaseAction, ReleaseTrigger, VersionRef } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** A release operation between "about to write the slot's bundle" and "recorded". */
export interface PendingRelease {
  id: string;
  action: ReleaseAction;
  slot: SlotId;
  trigger: ReleaseTrigger;
  from?: VersionRef;
  to: VersionRef;
  tag?: string;
  reason?: string;
  gate?: GateRecord;
  startedAt: string;
}

/**
 * `release-journal.json`: written before a slot's bundle is replaced and removed once state and
 * history are recorded. If the host dies in between, the next start finishes or undoes the
 * operation, so the weights files, state and history always agree.
 */
export class ReleaseJournal {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'release-journal.json');
  }

  async begin(pending: PendingRelease): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(pending, null, 2));
  }

  async pending(): Promise<PendingRelease | null> {
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (!text) return null;
    try {
      return JSON.parse(text) as PendingRelease;
    } catch {
      return null;
    }
  }

  async end(): Promise<void> {
    await unlink(this.file).catch(() => undefined);
  }
}
