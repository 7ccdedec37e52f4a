import type { EvalProgress, EvalSummary } from '../shared/eval-api.js';
import { SLOT_TITLES } from '../shared/slot-api.js';
import { errorText } from './api.js';
import type { PathChooser } from '../shared/host-api.js';
import { choosePathButton } from './choose-path-button.js';
import { h, replaceChildren } from './dom.js';
import { focusEvalDetail, renderEvalDetail, type EvalDetailView } from './eval-detail.js';
import { formatPercent, formatTime } from './format.js';
import { t, type MessageKey } from './i18n.js';

/** What the evaluations panel drives: the host's stored evaluations and the one running. */
export interface EvalsControl {
  list(): Promise<EvalSummary[]>;
  get(id: string): Promise<EvalSummary>;
  start(dir: string): Promise<EvalProgress>;
  cancel(id: string): Promise<EvalSummary>;
  /** One of an evaluation's files by name (`report.html`, `results.csv`, `thumbnails/1.jpg`). */
  file(id: string, file: string): Promise<Blob>;
  /** The app's open dialog; its button shows once `setPathDialog(true)` says the host has one. */
  choosePath: PathChooser;
}

/**
 * The evaluations panel. It outlives the page's re-renders (language, route): `mount` draws it into
 * a new container with what it knew, and the app feeds it the host's `eval-progress` and `eval` events.
 */
export interface EvalsPanel {
  mount(container: HTMLElement): void;
  /** Closes the open evaluation (revoking its `blob:` URLs) and forgets the container. */
  unmount(): void;
  refresh(): void;
  progress(progress: EvalProgress): void;
  finished(summary: EvalSummary): void;
  /** Whether the host can show an open dialog (the app), from its status. */
  setPathDialog(available: boolean): void;
}

interface Parts {
  input: HTMLInputElement;
  choose: HTMLButtonElement;
  evaluate: HTMLButtonElement;
  status: HTMLElement;
  list: HTMLElement;
  detail: HTMLElement;
}

/**
 * Start an evaluation on a folder of the host's machine, follow it, and browse the stored ones
 * grouped by the pair of model versions they compared.
 */
export function createEvalsPanel(control: EvalsControl): EvalsPanel {
  let parts: Parts | null = null;
  let summaries: EvalSummary[] = [];
  let running: EvalProgress | null = null;
  // An evaluation of a few images can end (its `eval` event) before `start` answers.
  const ended = new Set<string>();
  let folder = '';
  let error: string | null = null;
  let starting = false;
  let cancelling = false;
  let selectedId: string | null = null;
  let detail: EvalDetailView | null = null;
  let pathDialog = false;

  const fail = (failure: Error): void => {
    error = errorText(failure);
    drawStatus();
  };

  const submit = (event: Event): void => {
    event.preventDefault();
    const dir = parts?.input.value.trim() ?? '';
    if (!dir || starting || running) return;
    starting = true;
    error = null;
    drawStatus();
    control.start(dir).then(
      (started) => {
        if (!ended.has(started.id)) running = started;
      },
      (failure: Error) => (error = errorText(failure)),
    ).finally(() => {
      starting = false;
      drawStatus();
    });
  };

  const cancel = (): void => {
    if (!running) return;
    cancelling = true;
    drawStatus();
    control.cancel(running.id).catch((failure: Error) => (error = errorText(failure))).finally(() => {
      cancelling = false;
      drawStatus();
    });
  };

  function drawStatus(): void {
    if (!parts) return;
    parts.evaluate.disabled = starting || running !== null;
    replaceChildren(parts.status,
      running ? progressBar(running, cancel, cancelling) : null,
      error ? h('p', { class: 'error', role: 'alert', 'data-testid': 'eval-error' }, error) : null,
    );
  }

  function drawList(): void {
    if (!parts) return;
    if (summaries.length === 0) return replaceChildren(parts.list, h('p', { class: 'muted' }, t('evalNone')));
    const groups = new Map<string, EvalSummary[]>();
    for (const summary of summaries) {
      const pair = modelPair(summary);
      groups.set(pair, [...(groups.get(pair) ?? []), summary]);
    }
    replaceChildren(parts.list, ...[...groups].map(([pair, items]) => h('section', { class: 'eval-group', 'aria-label': pair },
      h('h3', {}, pair),
      evalTable(items, selectedId, (id) => open(id, true)),
    )));
  }

  function open(id: string, focus: boolean): void {
    control.get(id).then((summary) => show(summary, focus), fail);
  }

  function show(summary: EvalSummary, focus: boolean): void {
    detail?.close();
    detail = null;
    selectedId = summary.id;
    if (!parts) return;
    detail = renderEvalDetail(summary, (file) => control.file(summary.id, file), closeDetail);
    replaceChildren(parts.detail, detail.element);
    markSelected();
    if (focus) focusEvalDetail(detail);
  }

  function closeDetail(): void {
    const id = selectedId;
    detail?.close();
    detail = null;
    selectedId = null;
    markSelected();
    parts?.list.querySelector<HTMLElement>(`tr[data-eval-id="${id}"] button`)?.focus();
  }

  function markSelected(): void {
    parts?.list.querySelectorAll<HTMLElement>('tr[data-eval-id]').forEach((row) => {
      const selected = row.dataset.evalId === selectedId;
      row.classList.toggle('selected', selected);
      if (selected) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    });
  }

  /** Takes the stored list as the truth for what runs, in case an event was missed while disconnected. */
  function reconcile(): void {
    const current = running;
    if (current && summaries.some((s) => s.id === current.id && s.state !== 'running')) running = null;
    const other = summaries.find((s) => s.state === 'running' && !ended.has(s.id));
    if (!running && other) running = { id: other.id, setName: other.setName, done: other.images, found: 0 };
  }

  const panel: EvalsPanel = {
    mount(container) {
      panel.unmount();
      const input = h('input', { id: 'eval-dir', type: 'text', required: true, value: folder, spellcheck: 'false', autocomplete: 'off', placeholder: '/path/to/images', 'aria-describedby': 'eval-dir-hint', 'data-testid': 'eval-dir', oninput: () => (folder = input.value) });
      const evaluate = h('button', { type: 'submit', class: 'primary', 'data-action': 'evaluate' }, t('evaluate'));
      const choose = choosePathButton('eval-set', input, t('evalFolder'), control.choosePath, (message) => {
        error = message;
        drawStatus();
      });
      choose.hidden = !pathDialog;
      parts = {
        input,
        choose,
        evaluate,
        status: h('div', { class: 'eval-status', 'aria-live': 'polite' }),
        list: h('div', { class: 'eval-list', 'data-testid': 'eval-list' }),
        detail: h('div', {}),
      };
      replaceChildren(container,
        h('h2', {}, t('evals')),
        h('form', { class: 'eval-form', onsubmit: submit },
          h('label', { for: 'eval-dir' }, t('evalFolder')),
          h('div', { class: 'path-input eval-input' }, input, choose, evaluate),
          h('p', { id: 'eval-dir-hint', class: 'muted hint' }, t('evalFolderHint')),
        ),
        parts.status, parts.list, parts.detail);
      drawStatus();
      drawList();
      if (selectedId) open(selectedId, false);
      panel.refresh();
    },
    unmount() {
      detail?.close();
      detail = null;
      parts = null;
    },
    refresh() {
      if (!parts) return;
      control.list().then((list) => {
        summaries = list;
        reconcile();
        drawStatus();
        drawList();
      }, fail);
    },
    progress(progress) {
      if (ended.has(progress.id)) return;
      running = progress;
      drawStatus();
    },
    setPathDialog(available) {
      pathDialog = available;
      if (parts) parts.choose.hidden = !available;
    },
    finished(summary) {
      ended.add(summary.id);
      if (running?.id === summary.id) running = null;
      if (summary.state === 'failed') error = `${summary.setName}: ${summary.error ?? t('evalState_failed')}`;
      drawStatus();
      panel.refresh();
      if (selectedId === summary.id) show(summary, false);
    },
  };
  return panel;
}

/** "AS-IS litecnn-pets 1.0.0 vs TO-BE litecnn-pets 2.0.0-exp.1": what an evaluation compared. */
function modelPair(summary: EvalSummary): string {
  return `${SLOT_TITLES.asis} ${summary.asis.model.name} ${summary.asis.model.version} vs ${SLOT_TITLES.tobe} ${summary.tobe.model.name} ${summary.tobe.model.version}`;
}

function progressBar(progress: EvalProgress, cancel: () => void, cancelling: boolean): HTMLElement {
  const label = `${t('evaluating')} ${progress.setName}: ${progress.done}/${progress.found || '?'}`;
  // Without a total (found after a reload) the bar is indeterminate.
  const bar = progress.found > 0 ? h('progress', { max: progress.found, value: progress.done, 'aria-label': label }) : h('progress', { 'aria-label': label });
  return h('div', { class: 'progress', 'data-testid': 'eval-progress' },
    bar,
    h('span', { class: 'step' }, label),
    h('button', { type: 'button', 'data-action': 'cancel-eval', disabled: cancelling, onclick: cancel }, t('cancel')),
  );
}

function evalTable(summaries: EvalSummary[], selectedId: string | null, open: (id: string) => void): HTMLElement {
  const headings: MessageKey[] = ['evalSet', 'evalDate', 'evalState', 'evalImages', 'agreement', 'evalTop1Both'];
  return h('table', { class: 'evals-table' },
    h('thead', {}, h('tr', {}, ...headings.map((key, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : undefined }, t(key))))),
    h('tbody', {}, ...summaries.map((summary) => h('tr', { 'data-eval-id': summary.id, class: summary.id === selectedId ? 'selected' : undefined, 'aria-current': summary.id === selectedId ? 'true' : undefined },
      h('td', {}, h('button', { type: 'button', class: 'link', 'data-action': 'open-eval', onclick: () => open(summary.id) }, summary.setName)),
      h('td', {}, formatTime(summary.startedAt)),
      h('td', { class: `eval-state-${summary.state}` }, t(`evalState_${summary.state}` as MessageKey)),
      h('td', { class: 'num' }, String(summary.images)),
      h('td', { class: 'num', 'data-testid': 'eval-row-agreement' }, formatPercent(summary.agreement.rate)),
      h('td', { class: 'num', 'data-testid': 'eval-row-top1' }, summary.labelled > 0 ? `${formatPercent(summary.asis.top1Accuracy)} / ${formatPercent(summary.tobe.top1Accuracy)}` : '-'),
    ))),
  );
}
