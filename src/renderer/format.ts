export { formatBytes, formatDuration, formatGateFigure, formatMs, formatPercent } from '../shared/format.js';

export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '-';
}

/** The time of day only, for lists of recent events. */
export function formatClock(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString() : '-';
}
