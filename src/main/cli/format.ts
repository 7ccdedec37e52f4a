import type { HostStatus, SlotStatus } from '../../shared/host-api.js';
import type { Prediction } from '../../shared/slot-api.js';
import { formatBytes, formatDuration } from '../../shared/format.js';

export { formatBytes, formatDuration };

/** `breed_ko (score)`, as the old batch script printed a prediction. */
export function formatTopPrediction(prediction: Prediction | undefined): string {
  return prediction ? `${prediction.breed_ko} (${prediction.score.toFixed(4)})` : '-';
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column] ?? ''))));
  return rows.map((row) => row.map((cell, column) => cell + ' '.repeat(widths[column]! - displayWidth(cell))).join('  ').trimEnd()).join('\n');
}

/** Terminal columns a string takes: Hangul and other wide characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return width;
}

function modelCell(slot: SlotStatus): string {
  return slot.model ? `${slot.model.name} ${slot.model.version} (${slot.model.sha256.slice(0, 8)})` : '-';
}

/** The `litecnn status` table: one row per slot, then any slot errors. */
export function formatHostStatus(status: HostStatus): string {
  const rows = [['SLOT', 'PORT', 'STATE', 'MODEL', 'UPTIME', 'REQUESTS', 'P50', 'P99', 'MEMORY']];
  for (const slot of status.slots) {
    rows.push([
      slot.title,
      String(slot.port),
      slot.state,
      modelCell(slot),
      formatDuration(slot.uptimeSeconds),
      slot.requests ? String(slot.requests.total) : '-',
      slot.latencyMs?.p50 != null ? `${slot.latencyMs.p50.toFixed(1)} ms` : '-',
      slot.latencyMs?.p99 != null ? `${slot.latencyMs.p99.toFixed(1)} ms` : '-',
      formatBytes(slot.memory?.rssBytes),
    ]);
  }
  const notes = status.slots
    .filter((slot) => slot.error)
    .map((slot) => `${slot.title}: ${slot.error!.message}`);
  const restarts = status.slots.filter((slot) => slot.restarts > 0).map((slot) => `${slot.title}: restarted ${slot.restarts}x after crashes (last ${slot.lastCrash?.at ?? '?'})`);
  return [formatTable(rows), ...notes, ...restarts].join('\n');
}
