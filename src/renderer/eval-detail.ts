import type { EvalClassStats, EvalDisagreement, EvalModelStats, EvalSummary } from '../shared/eval-api.js';
import type { SlotId } from '../shared/slot-api.js';
import { SLOT_IDS, SLOT_TITLES } from '../shared/slot-api.js';
import { errorText } from './api.js';
import { h } from './dom.js';
import { formatMs, formatPercent, formatTime } from './format.js';
import { t, type MessageKey } from './i18n.js';
import { ObjectUrls } from './object-urls.js';
import { topAnswer } from './top-answer.js';

/** An open evaluation: its element, and `close` to stop loading and revoke its `blob:` URLs. */
export interface EvalDetailView {
  element: HTMLElement;
  close(): void;
}

/** Thumbnails start loading a little before they scroll into view. */
const THUMBNAIL_MARGIN = '200px';

/**
 * One stored evaluation in full: each model's figures, agreement, accuracy per class, the
 * disagreements with their thumbnails (loaded as they come into view), and its report and CSV.
 * `load` fetches one of its files (with the token) by name, e.g. `thumbnails/1.jpg`.
 */
export function renderEvalDetail(summary: EvalSummary, load: (file: string) => Promise<Blob>, onClose: () => void): EvalDetailView {
  const urls = new ObjectUrls();
  const message = h('p', { role: 'status', 'data-testid': 'eval-detail-message' });
  const download = (file: string, extension: string): void => {
    message.className = '';
    message.textContent = '';
    void load(file).then(
      (blob) => urls.download(blob, `litecnn-eval-${summary.id}.${extension}`),
      (error: Error) => {
        message.className = 'error';
        message.textContent = errorText(error);
      },
    );
  };
  const thumbnails = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      thumbnails.unobserve(entry.target);
      loadThumbnail(entry.target as HTMLImageElement, load, urls);
    }
  }, { rootMargin: THUMBNAIL_MARGIN });
  const heading = h('h3', { tabindex: -1 }, summary.setName, ' ', h('span', { class: `state eval-state-${summary.state}` }, t(`evalState_${summary.state}` as MessageKey)));
  const element = h('section', { class: 'eval-detail', 'aria-label': summary.setName, 'data-testid': 'eval-detail', 'data-eval-id': summary.id },
    h('header', {},
      heading,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', 'data-action': 'eval-report', onclick: () => download('report.html', 'html') }, t('evalDownloadReport')),
        h('button', { type: 'button', 'data-action': 'eval-csv', disabled: summary.state === 'running', onclick: () => download('results.csv', 'csv') }, t('evalDownloadCsv')),
        h('button', { type: 'button', 'data-action': 'close-eval', onclick: onClose }, t('close')),
      ),
    ),
    h('p', { class: 'muted path' }, `${summary.setDir} · ${formatTime(summary.startedAt)} → ${formatTime(summary.finishedAt)}`),
    summary.error ? h('p', { class: 'error', role: 'alert' }, summary.error) : null,
    message,
    figures(summary),
    h('dl', { class: 'eval-counts' },
      count('evalImages', String(summary.images), 'eval-images'),
      count('evalLabelled', String(summary.labelled), 'eval-labelled'),
      count('evalUnreadable', String(summary.unreadable), 'eval-unreadable'),
      count('agreement', `${formatPercent(summary.agreement.rate)} (${summary.agreement.agreed}/${summary.agreement.compared})`, 'eval-agreement'),
      count('evalDecode', formatMs(summary.decodeP50Ms), 'eval-decode'),
    ),
    summary.labelled > 0 ? classTable(summary.classes) : h('p', { class: 'muted' }, t('evalUnlabelled')),
    disagreements(summary, thumbnails),
  );
  return {
    element,
    close: () => {
      thumbnails.disconnect();
      urls.revokeAll();
      element.remove();
    },
  };
}

/** Focuses the detail's heading, so a keyboard user continues from there. */
export function focusEvalDetail(view: EvalDetailView): void {
  view.element.querySelector<HTMLElement>('h3')?.focus();
}

function loadThumbnail(image: HTMLImageElement, load: (file: string) => Promise<Blob>, urls: ObjectUrls): void {
  void load(`thumbnails/${image.dataset.thumbnail ?? ''}`).then(
    (blob) => {
      const url = urls.create(blob);
      if (url) image.src = url;
    },
    () => image.replaceWith(h('span', { class: 'thumb muted' }, '-')),
  );
}

/** Each model's headline figures, side by side. */
function figures(summary: EvalSummary): HTMLElement {
  const rows: Array<[MessageKey, (stats: EvalModelStats) => string, string]> = [
    ['evalTop1', (s) => formatPercent(s.top1Accuracy), 'top1'],
    ['evalTop5', (s) => formatPercent(s.top5Accuracy), 'top5'],
    ['evalFailedImages', (s) => String(s.failed), 'failed'],
    ['latency', (s) => `${formatMs(s.latency.p50Ms)} / ${formatMs(s.latency.p99Ms)}`, 'latency'],
  ];
  return h('table', { class: 'eval-figures', 'data-testid': 'eval-figures' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), ...SLOT_IDS.map((slot) => h('th', { scope: 'col', class: 'num' }, `${SLOT_TITLES[slot]} `, h('span', { class: 'muted' }, modelName(summary[slot])))))),
    h('tbody', {}, ...rows.map(([label, value, key]) => h('tr', {},
      h('th', { scope: 'row' }, t(label)),
      ...SLOT_IDS.map((slot: SlotId) => h('td', { class: 'num', 'data-testid': `eval-${slot}-${key}` }, value(summary[slot]))),
    ))),
  );
}

function modelName(stats: EvalModelStats): string {
  return `${stats.model.name} ${stats.model.version}`;
}

function count(label: MessageKey, value: string, testId: string): HTMLElement {
  return h('div', { class: 'row' }, h('dt', {}, t(label)), h('dd', { 'data-testid': testId }, value));
}

function classTable(classes: EvalClassStats[]): HTMLElement {
  const share = (correct: number, images: number): string => `${formatPercent(images ? correct / images : null)} (${correct}/${images})`;
  return h('div', {},
    h('h4', {}, t('evalClasses')),
    h('table', { class: 'eval-classes', 'data-testid': 'eval-classes' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('evalClass')), h('th', { scope: 'col', class: 'num' }, t('evalImages')), h('th', { scope: 'col', class: 'num' }, 'AS-IS'), h('th', { scope: 'col', class: 'num' }, 'TO-BE'))),
      h('tbody', {}, ...classes.map((c) => h('tr', {},
        h('td', {}, c.name),
        h('td', { class: 'num' }, String(c.images)),
        h('td', { class: 'num' }, share(c.asisTop1Correct, c.images)),
        h('td', { class: 'num' }, share(c.tobeTop1Correct, c.images)),
      ))),
    ),
  );
}

function disagreements(summary: EvalSummary, thumbnails: IntersectionObserver): HTMLElement {
  const shown = summary.disagreements.length;
  const heading = h('h4', {}, `${t('evalDisagreements')} (${summary.disagreementsTotal})`);
  if (summary.disagreementsTotal === 0) return h('div', {}, heading, h('p', { class: 'muted' }, summary.agreement.compared ? t('evalNoDisagreements') : '-'));
  return h('div', {},
    heading,
    shown < summary.disagreementsTotal ? h('p', { class: 'muted' }, `${shown}/${summary.disagreementsTotal} ${t('evalMoreInCsv')}`) : null,
    h('table', { class: 'eval-disagreements', 'data-testid': 'eval-disagreements' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('image')), h('th', { scope: 'col' }, t('evalTrueClass')), h('th', { scope: 'col' }, 'AS-IS'), h('th', { scope: 'col' }, 'TO-BE'))),
      h('tbody', {}, ...summary.disagreements.map((d) => disagreementRow(d, thumbnails))),
    ),
  );
}

function disagreementRow(disagreement: EvalDisagreement, thumbnails: IntersectionObserver): HTMLElement {
  let picture: HTMLElement = h('span', { class: 'thumb muted' }, '-');
  if (disagreement.thumbnail) {
    const image = h('img', { class: 'thumb', alt: disagreement.file, width: 64, height: 64, 'data-thumbnail': disagreement.thumbnail });
    thumbnails.observe(image);
    picture = image;
  }
  return h('tr', {},
    h('td', {}, picture, h('span', { class: 'file' }, disagreement.file)),
    h('td', {}, disagreement.trueClass ?? '-'),
    h('td', {}, topAnswer(disagreement.asis)),
    h('td', {}, topAnswer(disagreement.tobe)),
  );
}
