import type { EvalModelStats, EvalSummary } from '../../shared/eval-api.js';
import { formatMs as ms, formatPercent as percent } from '../../shared/format.js';
import { formatTable } from './format.js';

/** An evaluation as the CLI prints it: the two models side by side, agreement and where the files are. */
export function formatEvalSummary(summary: EvalSummary, files: { report: string; csv: string }): string {
  const model = (stats: EvalModelStats): string => `${stats.model.name} ${stats.model.version}`;
  const rows = [
    ['', 'AS-IS', 'TO-BE'],
    ['model', model(summary.asis), model(summary.tobe)],
    ...(summary.labelled > 0 ? [['top-1', percent(summary.asis.top1Accuracy), percent(summary.tobe.top1Accuracy)], ['top-5', percent(summary.asis.top5Accuracy), percent(summary.tobe.top5Accuracy)]] : []),
    ['failed', String(summary.asis.failed), String(summary.tobe.failed)],
    ['p50', ms(summary.asis.latency.p50Ms), ms(summary.tobe.latency.p50Ms)],
    ['p99', ms(summary.asis.latency.p99Ms), ms(summary.tobe.latency.p99Ms)],
  ];
  const { agreement } = summary;
  return [
    `Evaluation ${summary.id} of ${summary.setName}: ${summary.images} images (${summary.labelled ? `${summary.labelled} labelled` : 'unlabelled'}), ${summary.state}${summary.error ? `: ${summary.error}` : ''}`,
    '',
    formatTable(rows),
    '',
    `agreement: ${percent(agreement.rate)} (${agreement.agreed}/${agreement.compared}); disagreements: ${summary.disagreementsTotal}${summary.unreadable ? `; unreadable images: ${summary.unreadable}` : ''}`,
    `report: ${files.report}`,
    `csv:    ${files.csv}`,
  ].join('\n');
}

/** Stored evaluations, newest first, one line each. */
export function formatEvalList(summaries: EvalSummary[]): string {
  if (summaries.length === 0) return 'No evaluations yet. Run one with `litecnn eval DIR`.';
  return formatTable([
    ['ID', 'SET', 'STATE', 'IMAGES', 'AS-IS', 'TO-BE', 'AGREE', 'TOP-1 AS-IS', 'TOP-1 TO-BE'],
    ...summaries.map((s) => [s.id, s.setName, s.state, String(s.images), s.asis.model.version, s.tobe.model.version, percent(s.agreement.rate), percent(s.asis.top1Accuracy), percent(s.tobe.top1Accuracy)]),
  ]);
}
