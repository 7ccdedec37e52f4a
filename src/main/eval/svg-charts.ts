import type { EvalClassStats, LatencySummary } from '../../shared/eval-api.js';
import { formatPercent } from '../../shared/format.js';
import { Markup, markup } from './markup.js';

/** The two series every chart shows, in the report's colours. */
export const SERIES = {
  asis: { title: 'AS-IS', colour: '#4e79a7' },
  tobe: { title: 'TO-BE', colour: '#f28e2b' },
} as const;

const FONT = 'font-family="system-ui, sans-serif" font-size="12" fill="#333"';


function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function legend(x: number, y: number): Markup {
  return markup`<g ${new Markup(FONT)}>${Object.values(SERIES).map(
    (series, index) => markup`<rect x="${x + index * 90}" y="${y - 10}" width="12" height="12" fill="${series.colour}"/><text x="${x + index * 90 + 18}" y="${y}">${series.title}</text>`,
  )}</g>`;
}

const ROW_HEIGHT = 34;
const BAR_HEIGHT = 13;
const LABEL_WIDTH = 190;
const BAR_AREA = 420;

/**
 * Top-1 accuracy per class, AS-IS and TO-BE as two horizontal bars per class (horizontal so long
 * class names stay readable). A name too long for its column is shortened; the full name is its tooltip.
 */
export function classAccuracyChart(classes: readonly EvalClassStats[]): Markup {
  const top = 30;
  const width = LABEL_WIDTH + BAR_AREA + 70;
  const height = top + classes.length * ROW_HEIGHT + 24;
  const rows = classes.map((stats, index) => classRow(stats, top + index * ROW_HEIGHT));
  const gridX = [0, 0.25, 0.5, 0.75, 1].map((fraction) => LABEL_WIDTH + fraction * BAR_AREA);
  return markup`<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Top-1 accuracy per class"><title>Top-1 accuracy per class</title>
${legend(LABEL_WIDTH, 16)}
${gridX.map((x) => markup`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 20}" stroke="#ddd"/>`)}
${rows}
<g ${new Markup(FONT)} text-anchor="middle">${gridX.map((x, index) => markup`<text x="${x}" y="${height - 6}">${index * 25}%</text>`)}</g>
</svg>`;
}

function classRow(stats: EvalClassStats, y: number): Markup {
  const bar = (correct: number, offset: number, colour: string, title: string): Markup => {
    const rate = stats.images > 0 ? correct / stats.images : null;
    const barWidth = rate === null ? 0 : Math.max(rate * BAR_AREA, 1);
    const tip = `${title} ${stats.name}: ${correct} of ${stats.images} (${formatPercent(rate)})`;
    return markup`<rect x="${LABEL_WIDTH}" y="${y + offset}" width="${barWidth.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour}"><title>${tip}</title></rect><text x="${LABEL_WIDTH + barWidth + 4}" y="${y + offset + 11}" font-size="11">${formatPercent(rate)}</text>`;
  };
  return markup`<g ${new Markup(FONT)}><text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT + 4}" text-anchor="end"><title>${stats.name} (${stats.images} images)</title>${shorten(stats.name, 26)}</text>
${bar(stats.asisTop1Correct, 0, SERIES.asis.colour, SERIES.asis.title)}${bar(stats.tobeTop1Correct, BAR_HEIGHT + 2, SERIES.tobe.colour, SERIES.tobe.title)}</g>`;
}

/** One bar of a histogram: its label and how many samples it holds. */
interface HistogramBar {
  label: string;
  count: number;
}

/**
 * The buckets that hold samples, from the first to the last non-empty one (empty ones between are
 * kept so the x axis stays linear in buckets), plus a last bar for samples above the highest bound.
 */
export function latencyBars(latency: LatencySummary): HistogramBar[] {
  const bars: HistogramBar[] = latency.buckets.map((bucket) => ({
    label: Number.isFinite(bucket.upperMs) ? `≤${bucket.upperMs}` : 'more',
    count: bucket.count,
  }));
  const bucketed = latency.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const last = latency.buckets.at(-1);
  if (latency.count > bucketed && last) bars.push({ label: `>${last.upperMs}`, count: latency.count - bucketed });
  const first = bars.findIndex((bar) => bar.count > 0);
  const end = bars.findLastIndex((bar) => bar.count > 0);
  return first < 0 ? [] : bars.slice(first, end + 1);
}

/** A histogram of one model's per-image latency (ms), from its summary's buckets. */
export function latencyHistogram(latency: LatencySummary, title: string, colour: string): Markup {
  const bars = latencyBars(latency);
  if (bars.length === 0) return markup`<p class="note">No latencies recorded for ${title}.</p>`;
  const [left, top, plotHeight, plotWidth] = [44, 24, 150, 420];
  const width = left + plotWidth + 10;
  const height = top + plotHeight + 40;
  const highest = Math.max(...bars.map((bar) => bar.count));
  const slot = plotWidth / bars.length;
  const labelEvery = Math.ceil(bars.length / 10);
  const columns = bars.map((bar, index) => {
    const barHeight = (bar.count / highest) * plotHeight;
    const x = left + index * slot;
    const label = index % labelEvery === 0 ? markup`<text x="${(x + slot / 2).toFixed(1)}" y="${top + plotHeight + 14}" text-anchor="middle" font-size="10">${bar.label}</text>` : null;
    return markup`<rect x="${(x + 1).toFixed(1)}" y="${(top + plotHeight - barHeight).toFixed(1)}" width="${Math.max(slot - 2, 1).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${colour}"><title>${bar.label} ms: ${bar.count}</title></rect>${label}`;
  });
  const chartTitle = `${title} latency per image (ms)`;
  return markup`<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${chartTitle}"><title>${chartTitle}</title>
<g ${new Markup(FONT)}><text x="${left}" y="14" font-weight="600">${chartTitle}</text>
<line x1="${left}" y1="${top + plotHeight}" x2="${left + plotWidth}" y2="${top + plotHeight}" stroke="#999"/>
<text x="${left - 6}" y="${top + 4}" text-anchor="end" font-size="10">${highest}</text><text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" font-size="10">0</text>
${columns}
<text x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle" font-size="10">ms (bucket upper bound)</text></g>
</svg>`;
}
