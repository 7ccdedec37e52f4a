import type { HostEvent, HostStatus, PathChoice, SlotAction } from '../shared/host-api.js';
import type { HistoryEntry, ReleaseProgress, WatchStatus } from '../shared/release-api.js';
import type { SlotId } from '../shared/slot-api.js';
import { ControlApi, errorText } from './api.js';
import { mountCompareView } from './compare-view.js';
import { confirmDialog } from './confirm-dialog.js';
import { h, replaceChildren } from './dom.js';
import { createEvalsPanel } from './evals-panel.js';
import { language, setLanguage, t } from './i18n.js';
import { mountLogsPanel } from './logs-panel.js';
import { renderPreferences } from './preferences-view.js';
import { promoteDialog } from './promote-dialog.js';
import { renderTokenPanel } from './token-panel.js';
import { countdown, renderReleasePanel, type ReleaseView } from './release-panel.js';
import { createShadowPanel } from './shadow-panel.js';
import { renderSlotCards } from './slot-cards.js';

/** Everything the dashboard shows that comes from the host. */
interface DashboardState extends ReleaseView {
  connected: boolean;
}

const state: DashboardState = { status: null, watch: null, progress: null, history: [], message: null, gpu: null, connected: false };
const api = ControlApi.fromLocation();
const root = document.getElementById('app')!;
const evals = api ? createEvalsPanel({
  list: () => api.evals(),
  get: (id) => api.evalSummary(id),
  start: (dir) => api.startEval(dir),
  cancel: (id) => api.cancelEval(id),
  file: (id, file) => api.evalFile(id, file),
  choosePath: (choice) => api.choosePath(choice),
}) : null;
const shadow = api ? createShadowPanel({
  settings: () => api.settings(),
  save: (change) => api.updateSettings(change),
  image: (imageFile) => api.shadowImage(imageFile),
  saved: () => void refreshStatus(),
}) : null;

function start(): void {
  setLanguage(language());
  applyTheme(localStorage.getItem('litecnn-theme'));
  if (!api) {
    replaceChildren(root, h('p', { class: 'error', role: 'alert' }, 'Open the dashboard with the link `litecnn serve` printed (it carries the access token).'));
    return;
  }
  window.addEventListener('hashchange', () => render());
  api.listen(onEvent, (connected) => {
    state.connected = connected;
    if (connected) {
      void refreshAll();
      // Events may have been missed while the connection was down.
      evals?.refresh();
    }
    renderHeader();
  });
  setInterval(() => void refreshStatus(), 3000);
  setInterval(() => document.querySelectorAll<HTMLElement>('.countdown').forEach((element) => (element.textContent = countdown(element.dataset.next || null))), 1000);
  render();
  void refreshAll();
}

let slotCards: HTMLElement;
let releasePanel: HTMLElement;
let header: HTMLElement;

/** Builds the page for the current route (#preferences or the dashboard). */
function render(): void {
  evals?.unmount();
  shadow?.unmount();
  header = h('header', { class: 'top' });
  const main = h('main', {});
  replaceChildren(root, header, main);
  renderHeader();
  if (location.hash === '#preferences') {
    void Promise.all([api!.settings(), api!.gpuPassphrase(), api!.status()]).then(([settings, passphrase, status]) => {
      const choosePath = status.host.pathDialog ? (choice: PathChoice) => api!.choosePath(choice) : undefined;
      renderPreferences(main, settings, (change) => api!.updateSettings(change), render, { status: passphrase, save: (value) => api!.setGpuPassphrase(value) }, choosePath);
      main.append(renderTokenPanel({ status, rotate: (slot) => api!.rotateSlotToken(slot), clear: (slot) => api!.clearSlotToken(slot) }));
    }, showError);
    return;
  }
  slotCards = h('div', { class: 'slots' });
  releasePanel = h('section', { class: 'card release', 'aria-label': t('release') });
  const compare = h('section', { class: 'card compare', 'aria-label': t('compare') });
  const shadowPanel = h('section', { class: 'card shadow', 'aria-label': t('shadow'), 'data-testid': 'shadow-panel' });
  const logs = h('section', { class: 'card logs', 'aria-label': t('logs') });
  const evaluations = h('section', { class: 'card evals', 'aria-label': t('evals') });
  replaceChildren(main, slotCards, compare, releasePanel, shadowPanel, logs, evaluations);
  mountCompareView(compare, (image) => api!.compare(image));
  mountLogsPanel(logs, (component) => api!.logs(component));
  evals?.mount(evaluations);
  shadow?.mount(shadowPanel);
  renderSlots();
  renderRelease();
}

function renderHeader(): void {
  if (!header) return;
  replaceChildren(header,
    h('h1', {}, t('title')),
    h('span', { class: `connection ${state.connected ? 'on' : 'off'}`, 'data-testid': 'connection' }, state.connected ? t('connected') : t('disconnected')),
    h('nav', {},
      h('a', { href: location.hash === '#preferences' ? '#' : '#preferences' }, location.hash === '#preferences' ? t('dashboard') : t('preferences')),
      h('button', { type: 'button', 'data-action': 'language', onclick: () => {
        setLanguage(language() === 'ko' ? 'en' : 'ko');
        render();
      } }, t('language')),
      h('button', { type: 'button', 'data-action': 'theme', 'aria-label': t('theme'), onclick: () => applyTheme(nextTheme()) }, '◐'),
    ),
  );
}

/** What comes from the host's status: the slot cards, shadow mode's figures, and whether paths can be chosen in a dialog. */
function renderSlots(): void {
  if (slotCards?.isConnected) renderSlotCards(slotCards, state.status, act);
  shadow?.show(state.status);
  evals?.setPathDialog(state.status?.host.pathDialog ?? false);
}

function renderRelease(): void {
  if (releasePanel?.isConnected) renderReleasePanel(releasePanel, state, { deploy, promote, rollback, setAutoDeploy, checkGpu });
}

function onEvent(event: HostEvent): void {
  if (event.type === 'slot-state') void refreshStatus();
  if (event.type === 'progress') {
    state.progress = event.data as ReleaseProgress | null;
    renderRelease();
  }
  if (event.type === 'history') {
    state.history = [event.data as HistoryEntry, ...state.history];
    void refreshStatus();
    renderRelease();
  }
  if (event.type === 'watch') {
    state.watch = event.data as WatchStatus;
    renderRelease();
  }
  if (event.type === 'eval-progress') evals?.progress(event.data);
  if (event.type === 'eval') evals?.finished(event.data);
}

async function refreshAll(): Promise<void> {
  const [status, watch, history] = await Promise.all([api!.status(), api!.watch(), api!.history()]).catch((error: Error) => {
    showError(error);
    return [null, null, []] as const;
  });
  state.status = status as HostStatus | null;
  state.watch = watch;
  state.progress = watch?.progress ?? state.progress;
  state.history = [...history];
  renderSlots();
  renderRelease();
  if (watch?.configured && state.gpu === null) checkGpu();
}

async function refreshStatus(): Promise<void> {
  state.status = await api!.status().catch(() => state.status);
  renderSlots();
}

function act(slot: SlotId, action: SlotAction): void {
  void api!.act(slot, action).then((status) => {
    state.status = status;
    renderSlots();
  }, showError);
}

function deploy(): void {
  void run(() => api!.deploy().then((result) => result.message));
}

async function promote(): Promise<void> {
  const slots = state.status?.slots ?? [];
  const describe = (slot: SlotId): string => {
    const model = slots.find((s) => s.slot === slot)?.model;
    return model ? `${model.name} ${model.version}` : '-';
  };
  const decision = await promoteDialog(`TO-BE ${describe('tobe')} → AS-IS (${describe('asis')})`, api!.promotionGate());
  if (!decision) return;
  await run(() => api!.promote(decision.force ? decision : undefined).then((entry) => `${entry.action} ${entry.to?.version ?? ''} ${entry.tag ?? ''}`));
}

async function rollback(slot: SlotId): Promise<void> {
  if (!(await confirmDialog(t('confirmRollback'), [slot === 'asis' ? 'AS-IS' : 'TO-BE']))) return;
  await run(() => api!.rollback(slot).then((entry) => `${entry.action} ${entry.to?.version ?? ''}`));
}

function checkGpu(): void {
  void api!.gpu().then(
    (gpu) => (state.gpu = gpu),
    (error: Error) => (state.gpu = { error: error.message }),
  ).then(renderRelease);
}

function setAutoDeploy(enabled: boolean): void {
  void api!.watch(enabled).then((watch) => {
    state.watch = watch;
    renderRelease();
  }, showError);
}

async function run(operation: () => Promise<string>): Promise<void> {
  state.message = null;
  try {
    state.message = { text: await operation(), error: false };
  } catch (error) {
    state.message = { text: (error as Error).message, error: true };
  }
  await refreshAll();
}

function showError(error: Error): void {
  state.message = { text: errorText(error), error: true };
  renderRelease();
}

function nextTheme(): string {
  const current = document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  return current === 'dark' ? 'light' : 'dark';
}

function applyTheme(theme: string | null): void {
  if (theme === 'dark' || theme === 'light') {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('litecnn-theme', theme);
  }
}

start();
