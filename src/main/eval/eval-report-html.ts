import type { EvalDisagreement, EvalModelStats, EvalSummary } from '../../shared/eval-api.js';
import { formatDuration } from '../../shared/format.js';
import type { Prediction } from '../../shared/slot-api.js';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../product.js';
import { Markup, markup } from './markup.js';
import { classAccuracyChart, latencyHistogram, SERIES } from './svg-charts.js';
import { formatMs, formatPercent } from '../../shared/format.js';

/**
 * The report of one evaluation as one self-contained HTML file: inline CSS, inline SVG charts and
 * thumbnails as data URIs (`thumbnails` maps `EvalDisagreement.thumbnail` to the JPEG's bytes), so
 * it opens offline, can be mailed, and makes no request at all. No JavaScript.
 */
export function renderEvalReportHtml(summary: EvalSummary, thumbnails: ReadonlyMap<string, Uint8Array>): string {
  const title = `Evaluation of ${summary.setName}`;
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="meta">${formatTimestamp(summary.startedAt)}${tookText(summary)} · <span class="path">${summary.setDir}</span></p>
</header>
${stateBanner(summary)}
${modelsSection(summary)}
${headlineSection(summary)}
${classSection(summary)}
${latencySection(summary)}
${disagreementsSection(summary, thumbnails)}
<footer>Evaluation ${summary.id} · ${PRODUCT_NAME} ${PRODUCT_VERSION}</footer>
</body>
</html>
`.text;
}

// Light, and print-friendly: no backgrounds needed to read it, and rows are not split across pages.
const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; color: #222; background: #fff; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.meta, .note, footer { color: #666; }
.path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; word-break: break-all; }
.banner { border: 1px solid; border-radius: 6px; padding: .6rem .9rem; margin: 1rem 0; }
.banner.failed { border-color: #d9534f; background: #fdf0ef; }
.banner.cancelled, .banner.running { border-color: #e0a800; background: #fff8e1; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { text-align: left; padding: .3rem .7rem; border-bottom: 1px solid #eee; vertical-align: middle; }
th { font-weight: 600; color: #444; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
.card { border: 1px solid #e3e3e3; border-radius: 6px; padding: .5rem .9rem; min-width: 8rem; }
.card .value { font-size: 1.4rem; font-weight: 600; }
.card .label { color: #666; font-size: .85rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart { max-width: 100%; height: auto; }
.swatch { display: inline-block; width: .7em; height: .7em; border-radius: 2px; margin-right: .35em; }
.thumb { width: 64px; height: 64px; object-fit: cover; border-radius: 4px; display: block; }
.file { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; max-width: 18rem; }
.ko { color: #777; font-size: .85em; }
.score { color: #666; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, .card, svg { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;

/** `2024-05-01 14:03 UTC`; the stored text as it is when it is not a date. */
function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function tookText(summary: EvalSummary): string {
  const seconds = (Date.parse(summary.finishedAt ?? '') - Date.parse(summary.startedAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? ` · took ${formatDuration(seconds)}` : '';
}

function isLabelled(summary: EvalSummary): boolean {
  return summary.labelled > 0;
}

function stateBanner(summary: EvalSummary): Markup | null {
  switch (summary.state) {
    case 'done':
      return null;
    case 'failed':
      return markup`<div class="banner failed" role="alert"><strong>This evaluation failed</strong>: ${summary.error ?? 'no reason was recorded'}. The figures below cover the images done before it stopped.</div>`;
    case 'cancelled':
      return markup`<div class="banner cancelled"><strong>This evaluation was cancelled</strong>. The figures below cover the images done before it stopped.</div>`;
    case 'running':
      return markup`<div class="banner running"><strong>This evaluation is still running</strong>. The figures below are partial.</div>`;
  }
}

function modelsSection(summary: EvalSummary): Markup {
  const row = (stats: EvalModelStats): Markup => markup`<tr><th>${seriesName(stats)}</th><td>${stats.model.name}</td><td>${stats.model.version}</td><td><code title="${stats.model.sha256}">${stats.model.sha256.slice(0, 12)}</code></td></tr>`;
  return markup`<section><h2>Models</h2>
<table><thead><tr><th>Slot</th><th>Model</th><th>Version</th><th>SHA-256</th></tr></thead>
<tbody>${row(summary.asis)}${row(summary.tobe)}</tbody></table></section>`;
}

function seriesName(stats: EvalModelStats): Markup {
  const series = SERIES[stats.slot];
  return markup`<span class="swatch" style="background:${series.colour}"></span>${series.title}`;
}

function card(value: string, label: string): Markup {
  return markup`<div class="card"><div class="value">${value}</div><div class="label">${label}</div></div>`;
}

function headlineSection(summary: EvalSummary): Markup {
  const { agreement } = summary;
  const cards = [
    card(String(summary.images), 'images'),
    card(isLabelled(summary) ? String(summary.labelled) : 'unlabelled', 'with a class folder'),
    card(formatPercent(agreement.rate), `agreement (${agreement.agreed} of ${agreement.compared})`),
    card(String(summary.unreadable), 'unreadable'),
    card(formatMs(summary.decodeP50Ms), 'decode p50'),
  ];
  const labelled = isLabelled(summary);
  const row = (name: string, cell: (stats: EvalModelStats) => string): Markup =>
    markup`<tr><th>${name}</th><td class="num">${cell(summary.asis)}</td><td class="num">${cell(summary.tobe)}</td></tr>`;
  const accuracyRows = labelled
    ? [
        row('Top-1 accuracy', (stats) => `${formatPercent(stats.top1Accuracy)} (${stats.top1Correct} correct)`),
        row('Top-5 accuracy', (stats) => `${formatPercent(stats.top5Accuracy)} (${stats.top5Correct} correct)`),
      ]
    : [];
  const unlabelledNote = labelled ? null : markup`<p class="note">This set is unlabelled (its images are not in class subfolders), so accuracy is not measured; only agreement between the models.</p>`;
  return markup`<section><h2>Results</h2>
<div class="cards">${cards}</div>
${unlabelledNote}
<table><thead><tr><th></th><th class="num">${seriesName(summary.asis)}</th><th class="num">${seriesName(summary.tobe)}</th></tr></thead>
<tbody>${accuracyRows}${row('Answered', (stats) => String(stats.answered))}${row('Failures', (stats) => String(stats.failed))}</tbody></table></section>`;
}

function classSection(summary: EvalSummary): Markup | null {
  if (!isLabelled(summary) || summary.classes.length === 0) return null;
  return markup`<section><h2>Top-1 accuracy per class</h2>
${classAccuracyChart(summary.classes)}</section>`;
}

function latencySection(summary: EvalSummary): Markup {
  const models = [summary.asis, summary.tobe];
  const row = (stats: EvalModelStats): Markup => {
    const { latency } = stats;
    return markup`<tr><th>${seriesName(stats)}</th><td class="num">${latency.count}</td>${[latency.meanMs, latency.p50Ms, latency.p90Ms, latency.p99Ms, latency.maxMs].map((ms) => markup`<td class="num">${formatMs(ms)}</td>`)}</tr>`;
  };
  return markup`<section><h2>Latency</h2>
<p class="note">Milliseconds each model spent per image; the host decodes each image and sends each model its tensor.</p>
<table><thead><tr><th></th><th class="num">images</th><th class="num">mean</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr></thead>
<tbody>${models.map(row)}</tbody></table>
<div class="charts">${models.map((stats) => latencyHistogram(stats.latency, SERIES[stats.slot].title, SERIES[stats.slot].colour))}</div></section>`;
}

function disagreementsSection(summary: EvalSummary, thumbnails: ReadonlyMap<string, Uint8Array>): Markup {
  const shown = summary.disagreements.length;
  const total = summary.disagreementsTotal;
  if (total === 0) return markup`<section><h2>Disagreements</h2><p>The models gave the same top-1 class for every image both answered.</p></section>`;
  const countNote = shown < total ? markup`<p class="note">Showing the first ${shown} of ${total} disagreements; every image is in results.csv.</p>` : markup`<p class="note">${total} image${total === 1 ? '' : 's'} where the models' top-1 classes differ.</p>`;
  return markup`<section><h2>Disagreements</h2>
${countNote}
<table><thead><tr><th></th><th>File</th><th>True class</th><th>${seriesName(summary.asis)} top-1</th><th>${seriesName(summary.tobe)} top-1</th></tr></thead>
<tbody>${summary.disagreements.map((disagreement) => disagreementRow(disagreement, thumbnails))}</tbody></table></section>`;
}

function disagreementRow(disagreement: EvalDisagreement, thumbnails: ReadonlyMap<string, Uint8Array>): Markup {
  return markup`<tr><td>${thumbnailImage(disagreement.thumbnail, thumbnails)}</td><td class="file">${disagreement.file}</td><td>${disagreement.trueClass ?? '-'}</td><td>${predictionCell(disagreement.asis)}</td><td>${predictionCell(disagreement.tobe)}</td></tr>`;
}

function thumbnailImage(name: string | null, thumbnails: ReadonlyMap<string, Uint8Array>): Markup | null {
  const bytes = name === null ? undefined : thumbnails.get(name);
  if (!bytes) return null;
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return markup`<img class="thumb" alt="" src="data:image/jpeg;base64,${base64}">`;
}

function predictionCell(prediction: Prediction): Markup {
  const korean = prediction.breed_ko !== prediction.breed_en ? markup` <span class="ko">${prediction.breed_ko}</span>` : null;
  return markup`<span title="${prediction.label}">${prediction.breed_en}</span>${korean} <span class="score">${prediction.score.toFixed(3)}</span>`;
}
