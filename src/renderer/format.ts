export { formatBytes, formatDuration } from '../shared/format.js';

/** Human figures for the dashboard. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : `${ms.toFixed(1)} ms`;
}

/** A share in 0..1 as a percentage; '-' when there is none (no labels, nothing compared). */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? '-' : `${(share * 100).toFixed(1)}%`;
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '-';
}

/** The time of day only, for lists of recent events. */
export function formatClock(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString() : '-';
}
