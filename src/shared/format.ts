/** Human figures shared by the CLI and the dashboard. */

/** Sizes: `512 B`, `12.3 KB`, `130.1 MB`; `-` when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `42s`, `3m07s`, `2h05m`; `-` when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** A share in 0..1 as a percentage, `73.4%`; `-` when there is none (no labels, nothing compared). */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '-' : `${(share * 100).toFixed(1)}%`;
}

/** `12.3 ms`; `-` when unknown. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '-' : `${ms.toFixed(1)} ms`;
}

/** A promotion gate check's figure as it reads: a latency in ms, failures as a count, else a rate as a percentage. */
export function formatGateFigure(check: { name: string }, value: number | null): string {
  if (value === null) return '-';
  if (check.name === 'latency') return formatMs(value);
  if (check.name === 'failures') return String(value);
  return formatPercent(value);
}
