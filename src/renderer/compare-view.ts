import type { CompareResult } from '../shared/host-api.js';
import type { Prediction, SlotId } from '../shared/slot-api.js';
import { SLOT_TITLES } from '../shared/slot-api.js';
import { h, replaceChildren } from './dom.js';
import { formatMs, formatPercent } from './format.js';
import { t } from './i18n.js';
import { topAnswer } from './top-answer.js';

const IMAGE_NAME = /\.(jpe?g|png|webp|gif|avif|tiff?)$/i;

/** The compare panel: drop, choose or paste images; see both slots' answers side by side. */
export function mountCompareView(container: HTMLElement, compare: (image: Blob) => Promise<CompareResult>): void {
  const input = h('input', { type: 'file', accept: 'image/*', multiple: true, id: 'compare-files', class: 'visually-hidden' });
  const zone = h('div', { class: 'drop-zone', tabindex: 0, role: 'button', 'data-testid': 'drop-zone', 'aria-describedby': 'compare-help' },
    h('span', { id: 'compare-help' }, `${t('dropHere')} `),
    h('label', { for: 'compare-files', class: 'link' }, t('chooseFiles')),
    input,
  );
  const results = h('div', { class: 'compare-results', 'aria-live': 'polite', 'data-testid': 'compare-results' });
  replaceChildren(container, h('h2', {}, t('compare')), zone, results);

  const run = (files: File[]): void => void compareFiles(files, results, compare);
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    run([...(event.dataTransfer?.files ?? [])]);
  });
  zone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener('change', () => run([...(input.files ?? [])]));
  document.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length) run(files);
  });
}

async function compareFiles(files: File[], results: HTMLElement, compare: (image: Blob) => Promise<CompareResult>): Promise<void> {
  const images = files.filter((file) => file.type.startsWith('image/') || IMAGE_NAME.test(file.name));
  const rejected = files.filter((file) => !images.includes(file));
  const notes = rejected.map((file) => h('p', { class: 'error', role: 'alert', 'data-testid': 'not-an-image' }, `${file.name} ${t('notAnImage')}`));
  if (images.length === 0) return replaceChildren(results, ...notes);
  replaceChildren(results, ...notes, h('p', { class: 'muted' }, t('comparing')));
  const answers: Array<{ file: File; result: CompareResult | Error }> = [];
  for (const file of images) answers.push({ file, result: await compare(file).catch((error: Error) => error) });
  const views = answers.length === 1 ? [single(answers[0]!.file, answers[0]!.result)] : [table(answers)];
  replaceChildren(results, ...notes, ...views);
}

function single(file: File, result: CompareResult | Error): HTMLElement {
  const preview = h('img', { src: URL.createObjectURL(file), alt: file.name, class: 'preview' });
  if (result instanceof Error) return h('div', { class: 'single' }, preview, h('p', { class: 'error', role: 'alert' }, result.message));
  return h('div', { class: 'single' },
    preview,
    h('div', { class: 'side-by-side' }, slotAnswer('asis', result.asis), slotAnswer('tobe', result.tobe)),
    agreementMark(result.agree),
  );
}

function slotAnswer(slot: SlotId, answer: CompareResult['asis']): HTMLElement {
  if (!('predictions' in answer)) return h('div', { class: 'answer', 'data-testid': `answer-${slot}` }, h('h3', {}, SLOT_TITLES[slot]), h('p', { class: 'error' }, answer.error.message));
  return h('div', { class: 'answer', 'data-testid': `answer-${slot}` },
    h('h3', {}, `${SLOT_TITLES[slot]} `, h('span', { class: 'muted' }, `${answer.model.name} ${answer.model.version} · ${formatMs(answer.timing_ms.total)}`)),
    h('ol', { class: 'predictions' }, ...answer.predictions.map(predictionRow)),
  );
}

function predictionRow(prediction: Prediction): HTMLElement {
  const fill = h('div', { class: 'fill' });
  // Set through the CSSOM: the CSP forbids style attributes.
  fill.style.width = `${Math.max(1, prediction.score * 100).toFixed(1)}%`;
  return h('li', {},
    h('div', { class: 'names' }, h('span', { class: 'ko' }, prediction.breed_ko), h('span', { class: 'en muted' }, prediction.breed_en), h('span', { class: 'score' }, formatPercent(prediction.score))),
    h('div', { class: 'bar', role: 'presentation' }, fill),
  );
}

function agreementMark(agree: boolean | null): HTMLElement {
  if (agree === null) return h('p', { class: 'agreement muted' }, '-');
  return h('p', { class: `agreement ${agree ? 'agree' : 'disagree'}`, 'data-testid': 'agreement' }, agree ? `✓ ${t('agree')}` : `✗ ${t('disagree')}`);
}

function table(answers: Array<{ file: File; result: CompareResult | Error }>): HTMLElement {
  const top = (answer: CompareResult['asis']): HTMLElement | string => {
    if (!('predictions' in answer)) return answer.error.message;
    const [best] = answer.predictions;
    return best ? topAnswer(best) : '-';
  };
  const decided = answers.filter((a): a is { file: File; result: CompareResult } => !(a.result instanceof Error) && a.result.agree !== null);
  const agreed = decided.filter((a) => a.result.agree).length;
  return h('div', {},
    h('table', { class: 'compare-table', 'data-testid': 'compare-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('image')), h('th', {}, 'AS-IS'), h('th', {}, 'TO-BE'), h('th', {}, ''))),
      h('tbody', {}, ...answers.map(({ file, result }) => h('tr', {},
        h('td', {}, file.name),
        ...(result instanceof Error
          ? [h('td', { colspan: 3, class: 'error' }, result.message)]
          : [h('td', {}, top(result.asis)), h('td', {}, top(result.tobe)), h('td', {}, result.agree === null ? '-' : result.agree ? '✓' : '✗')]),
      ))),
    ),
    h('p', { class: 'agreement-rate', 'data-testid': 'agreement-rate' }, `${t('agreement')}: ${agreed}/${decided.length}${decided.length ? ` (${((agreed / decided.length) * 100).toFixed(0)}%)` : ''}`),
  );
}
