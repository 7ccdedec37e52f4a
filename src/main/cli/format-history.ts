import type { HistoryEntry } from '../../shared/release-api.js';
import { SLOT_TITLES } from '../../shared/slot-api.js';
import { formatTable } from './format.js';

/** One history entry as a sentence: what happened to which slot, and how it ended. */
export function describeEntry(entry: HistoryEntry): string {
  const what = entry.to ? `${entry.to.version} (${entry.to.bundleSha256.slice(0, 8)})` : '';
  const from = entry.from ? ` replacing ${entry.from.version}` : '';
  const tag = entry.tag ? ` tagged ${entry.tag}` : '';
  const failure = entry.error ? `: ${entry.error.message}` : '';
  return `${entry.action} ${SLOT_TITLES[entry.slot]} ${what}${from}${tag} ${entry.outcome}${failure}`;
}

/** The `litecnn history` table, newest first. */
export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'No deploys, promotions or rollbacks yet.';
  const rows = [['TIME', 'ACTION', 'SLOT', 'VERSION', 'SHA256', 'RUN', 'TAG', 'BY', 'OUTCOME']];
  for (const e of entries) {
    rows.push([
      e.time.replace('T', ' ').slice(0, 19),
      e.action,
      SLOT_TITLES[e.slot],
      e.to?.version ?? '-',
      e.to?.bundleSha256.slice(0, 8) ?? '-',
      e.to?.runId ?? '-',
      e.tag ?? '',
      e.trigger,
      `${e.outcome}${e.recovered ? ' (recovered)' : ''}${e.error ? `: ${e.error.step ? `[${e.error.step}] ` : ''}${e.error.code}` : ''}`,
    ]);
  }
  return formatTable(rows);
}
