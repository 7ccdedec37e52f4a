import type { HostStatus, SlotAction, SlotStatus } from '../shared/host-api.js';
import type { ModelSource } from '../shared/model-manifest.js';
import type { SlotId } from '../shared/slot-api.js';
import { h, replaceChildren } from './dom.js';
import { formatBytes, formatDuration, formatMs, formatTime } from './format.js';
import { t, type MessageKey } from './i18n.js';

/** The AS-IS and TO-BE cards: state, model, figures, and start/stop/restart. */
export function renderSlotCards(container: HTMLElement, status: HostStatus | null, act: (slot: SlotId, action: SlotAction) => void): void {
  replaceChildren(container, ...(status?.slots ?? []).map((slot) => slotCard(slot, act)));
}

function slotCard(slot: SlotStatus, act: (slot: SlotId, action: SlotAction) => void): HTMLElement {
  const running = slot.state === 'ready' || slot.state === 'starting';
  const row = (label: MessageKey, value: string): HTMLElement => h('div', { class: 'row' }, h('dt', {}, t(label)), h('dd', {}, value));
  const model = slot.model ? `${slot.model.name} ${slot.model.version}` : '-';
  return h('section', { class: `card slot-card state-${slot.state}`, 'data-slot': slot.slot, 'aria-label': slot.title },
    h('header', {},
      h('h2', {}, slot.title),
      h('span', { class: 'state', 'data-testid': `state-${slot.slot}` }, t(`state_${slot.state}` as MessageKey)),
    ),
    h('dl', {},
      row('port', String(slot.port)),
      row('model', model),
      h('div', { class: 'row' }, h('dt', {}, t('modelSource')), h('dd', { title: slot.modelSource?.note ?? '', 'data-testid': `source-${slot.slot}` }, modelSourceText(slot.modelSource))),
      h('div', { class: 'row' }, h('dt', {}, 'sha256'), h('dd', { class: 'mono', title: slot.model?.sha256 ?? '' }, slot.model ? slot.model.sha256.slice(0, 12) : '-')),
      row('loadedAt', formatTime(slot.loadedAt)),
      row('uptime', formatDuration(slot.uptimeSeconds)),
      row('requests', slot.requests ? String(slot.requests.total) : '-'),
      row('latency', `${formatMs(slot.latencyMs?.p50)} / ${formatMs(slot.latencyMs?.p99)}`),
      row('memory', formatBytes(slot.memory?.rssBytes)),
    ),
    slot.error ? h('p', { class: 'error', role: 'alert' }, slot.error.message) : null,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', disabled: running, onclick: () => act(slot.slot, 'start'), 'data-action': `start-${slot.slot}` }, t('start')),
      h('button', { type: 'button', disabled: !running, onclick: () => act(slot.slot, 'stop'), 'data-action': `stop-${slot.slot}` }, t('stop')),
      h('button', { type: 'button', onclick: () => act(slot.slot, 'restart'), 'data-action': `restart-${slot.slot}` }, t('restart')),
    ),
  );
}

/** Where a model came from, in one short line: the first clause of its note (or its training run), and its licence. */
function modelSourceText(source: ModelSource | null): string {
  if (!source) return '-';
  const origin = source.kind === 'training-run' && source.runId ? `${t('sourceTrainingRun')} ${source.runId}` : (source.note?.split(';')[0] ?? source.kind);
  return source.license ? `${origin} · ${source.license}` : origin;
}
