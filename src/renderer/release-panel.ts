import type { GateRecord, GpuCheck, HistoryEntry, ReleaseProgress, WatchStatus } from '../shared/release-api.js';
import type { HostStatus } from '../shared/host-api.js';
import { SLOT_TITLES } from '../shared/slot-api.js';
import { h, replaceChildren } from './dom.js';
import { formatTime } from './format.js';
import { t } from './i18n.js';

/** What the release panel shows. */
export interface ReleaseView {
  status: HostStatus | null;
  watch: WatchStatus | null;
  progress: ReleaseProgress | null;
  history: HistoryEntry[];
  message: { text: string; error: boolean } | null;
  /** The last GPU server check: reachable with its newest run, or why not. */
  gpu: GpuCheck | { error: string } | null;
}

/** What its buttons do. */
export interface ReleaseActions {
  deploy(): void;
  promote(): void;
  rollback(slot: 'asis' | 'tobe'): void;
  setAutoDeploy(enabled: boolean): void;
  checkGpu(): void;
}

/** The release panel: GPU watcher, deploy with live progress, promote, rollback and history. */
export function renderReleasePanel(container: HTMLElement, view: ReleaseView, actions: ReleaseActions): void {
  const { watch, progress } = view;
  const busy = progress !== null;
  const tobeReady = view.status?.slots.find((s) => s.slot === 'tobe')?.state === 'ready';
  replaceChildren(container,
    h('h2', {}, t('release')),
    h('dl', { class: 'watch' },
      h('div', { class: 'row' }, h('dt', {}, t('gpuServer')), h('dd', { 'data-testid': 'gpu-status' }, watch?.configured ? gpuLine(view.gpu) : t('notConfigured'))),
      h('div', { class: 'row' }, h('dt', {}, t('newestRun')), h('dd', { 'data-testid': 'newest-run' }, newestRun(view.gpu))),
      h('div', { class: 'row' }, h('dt', {}, t('lastCheck')), h('dd', { 'data-testid': 'last-check' }, watch?.lastCheck ? `${formatTime(watch.lastCheck.at)}: ${watch.lastCheck.message}` : t('never'))),
      h('div', { class: 'row' }, h('dt', {}, t('nextCheck')), h('dd', { class: 'countdown', 'data-next': watch?.nextCheckAt ?? '' }, countdown(watch?.nextCheckAt ?? null))),
    ),
    h('label', { class: 'toggle' },
      h('input', { type: 'checkbox', checked: watch?.enabled ?? false, disabled: !watch?.configured, onchange: (event) => actions.setAutoDeploy((event.target as HTMLInputElement).checked), 'data-testid': 'auto-deploy' }),
      ` ${t('autoDeploy')}`,
    ),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', disabled: !watch?.configured, onclick: actions.checkGpu, 'data-action': 'check-gpu' }, t('checkGpu')),
      h('button', { type: 'button', class: 'primary', disabled: busy || !watch?.configured, onclick: actions.deploy, 'data-action': 'deploy' }, t('deployNow')),
      h('button', { type: 'button', disabled: busy || !tobeReady, onclick: actions.promote, 'data-action': 'promote' }, t('promote')),
      h('button', { type: 'button', disabled: busy, onclick: () => actions.rollback('tobe'), 'data-action': 'rollback-tobe' }, t('rollbackTobe')),
      h('button', { type: 'button', disabled: busy, onclick: () => actions.rollback('asis'), 'data-action': 'rollback-asis' }, t('rollbackAsis')),
    ),
    progress ? progressBar(progress) : null,
    view.message ? h('p', { class: view.message.error ? 'error' : 'ok', role: view.message.error ? 'alert' : 'status', 'data-testid': 'release-message' }, view.message.text) : null,
    h('h3', {}, t('history')),
    view.history.length === 0 ? h('p', { class: 'muted' }, t('noHistory')) : h('ol', { class: 'history', 'data-testid': 'history' }, ...view.history.slice(0, 20).map(historyRow)),
  );
}

function gpuLine(gpu: ReleaseView['gpu']): string {
  if (!gpu) return '-';
  if ('error' in gpu) return gpu.error;
  return `${t('reachable')}: ${gpu.target} (${gpu.completeRuns} runs)`;
}

function newestRun(gpu: ReleaseView['gpu']): string {
  if (!gpu || 'error' in gpu || !gpu.newestRun) return '-';
  const metrics = gpu.newestRun.metrics ? ` · ${Object.entries(gpu.newestRun.metrics).map(([k, v]) => `${k} ${String(v)}`).join(', ')}` : '';
  return `${gpu.newestRun.id} (${formatTime(gpu.newestRun.completedAt)})${metrics}`;
}

function progressBar(progress: ReleaseProgress): HTMLElement {
  const label = `${progress.operation} ${SLOT_TITLES[progress.slot]}: ${progress.step}${progress.file ? ` ${progress.file}` : ''}${progress.percent !== undefined ? ` ${progress.percent}%` : ''}`;
  return h('div', { class: 'progress', 'data-testid': 'release-progress' },
    h('progress', { max: 100, value: progress.percent ?? '', 'aria-label': label }),
    h('span', { class: 'step' }, label),
  );
}

function historyRow(entry: HistoryEntry): HTMLElement {
  const version = entry.to ? `${entry.to.version} (${entry.to.bundleSha256.slice(0, 8)})` : '';
  return h('li', { class: `outcome-${entry.outcome}` },
    h('span', { class: 'time' }, formatTime(entry.time)),
    h('span', {}, ` ${entry.action} ${SLOT_TITLES[entry.slot]} ${version}${entry.tag ? ` ${entry.tag}` : ''} · ${entry.trigger} · `),
    h('strong', {}, entry.outcome === 'success' ? t('success') : entry.outcome === 'failed' ? t('failed') : entry.outcome),
    entry.gate ? h('span', { class: entry.gate.passed ? 'gate ok' : 'gate error', 'data-testid': 'history-gate' }, ` · ${gateNote(entry.gate)}`) : null,
    entry.error ? h('span', { class: 'error' }, ` ${entry.error.message}`) : null,
  );
}

/** "gate passed", or "gate FAILED, forced: <reason>": what the promotion gate said of a promote. */
function gateNote(gate: GateRecord): string {
  if (gate.passed) return t('historyGatePassed');
  return gate.forced ? `${t('historyGateFailed')}, ${t('historyGateForced')}: ${gate.forcedReason ?? ''}` : t('historyGateFailed');
}

/** "in 12:34" until the next check. */
export function countdown(nextCheckAt: string | null): string {
  if (!nextCheckAt) return '-';
  const seconds = Math.max(0, Math.round((new Date(nextCheckAt).getTime() - Date.now()) / 1000));
  return `${t('in')} ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
