export { formatBytes, formatDuration } from '../shared/format.js';

/** Human figures for the dashboard. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : `${ms.toFixed(1)} ms`;
}

export function formatPercent(score: number): string {
  return `${(score * 100).toFixed(1)}%`;
}

export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '-';
}
