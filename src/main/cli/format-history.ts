import type { GateRecord, GateVerdict, HistoryEntry } from '../../shared/release-api.js';
import { SLOT_TITLES } from '../../shared/slot-api.js';
import { formatGateFigure } from '../../shared/format.js';
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

/** The promotion gate's verdict: each check with both models' figures, and whether it was forced. */
export function formatGateVerdict(verdict: GateVerdict | GateRecord | null): string {
  if (!verdict) return 'No promotion gate is set (setting promotionGateSet); promote is not gated.';
  const rows = [['CHECK', 'AS-IS', 'TO-BE', 'NEEDS', ''], ...verdict.checks.map((c) => [c.name, formatGateFigure(c, c.asis), formatGateFigure(c, c.tobe), c.limit, c.passed ? 'pass' : 'FAIL'])];
  const forced = 'forced' in verdict && verdict.forced ? `\nforced past the failing gate: ${verdict.forcedReason ?? ''}` : '';
  return `promotion gate on ${verdict.setDir} (evaluation ${verdict.evaluationId}, ${verdict.tobe.version} vs ${verdict.asis.version}): ${verdict.passed ? 'PASSED' : 'FAILED'}\n${formatTable(rows)}${forced}`;
}
