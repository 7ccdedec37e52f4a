import type { HistoryEntry, VersionRef } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';

/**
 * The versions a slot went through, oldest first, replayed from history: deploys and promotes
 * push the new version, a rollback goes back down to its target. So rolling back twice goes
 * two versions back, while history itself keeps every step.
 */
export function slotLineage(entries: HistoryEntry[], slot: SlotId): VersionRef[] {
  const stack: VersionRef[] = [];
  for (const entry of entries) {
    if (entry.slot !== slot || entry.outcome !== 'success' || !entry.to) continue;
    if (stack.length === 0 && entry.from) stack.push(entry.from);
    if (entry.action === 'rollback') {
      const at = findLastIndex(stack, (v) => v.bundleSha256 === entry.to!.bundleSha256);
      if (at >= 0) stack.length = at + 1;
      else stack.push(entry.to);
    } else {
      stack.push(entry.to);
    }
  }
  return stack;
}

/**
 * Where a plain rollback goes: the version the slot served before the current one. When the
 * slot's file was changed by hand outside history, that is the newest recorded version.
 */
export function previousVersion(entries: HistoryEntry[], slot: SlotId, isCurrent: (version: VersionRef) => boolean): VersionRef | undefined {
  const lineage = slotLineage(entries, slot);
  const top = lineage.at(-1);
  if (top && !isCurrent(top)) return top;
  return lineage.at(-2);
}

/** Every distinct version a slot has served or been offered, newest first. */
export function knownVersions(entries: HistoryEntry[], slot: SlotId): VersionRef[] {
  const seen = new Map<string, VersionRef>();
  for (const entry of [...entries].reverse()) {
    if (entry.slot !== slot) continue;
    for (const ref of [entry.to, entry.from]) if (ref && !seen.has(ref.bundleSha256)) seen.set(ref.bundleSha256, ref);
  }
  return [...seen.values()];
}

function findLastIndex<T>(items: T[], match: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
}
