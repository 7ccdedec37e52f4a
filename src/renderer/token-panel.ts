import type { HostStatus } from '../shared/host-api.js';
import { SLOT_IDS, SLOT_TITLES, type SlotId } from '../shared/slot-api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

/** What the token panel drives: the host makes, keeps (hashed) and removes slot tokens. */
export interface SlotTokenControl {
  status: HostStatus;
  rotate(slot: SlotId): Promise<{ token: string; status: HostStatus }>;
  clear(slot: SlotId): Promise<HostStatus>;
}

/** Each slot's API token: whether it needs one, a new one (shown once), or none. */
export function renderTokenPanel(control: SlotTokenControl): HTMLElement {
  const rows = h('div', {});
  const note = h('p', { role: 'status', 'data-testid': 'token-message' });
  const shown = h('input', { id: 'new-slot-token', type: 'text', readonly: true, hidden: true, 'data-testid': 'new-slot-token' });
  const fail = (error: Error): void => {
    note.className = 'error';
    note.textContent = error.message;
  };
  const draw = (status: HostStatus): void => {
    replaceChildren(rows, ...SLOT_IDS.map((slot) => {
      const required = status.slots.find((s) => s.slot === slot)?.tokenRequired ?? false;
      return h('div', { class: 'field' },
        h('span', {}, `${SLOT_TITLES[slot]}: ${required ? t('tokenRequired') : t('tokenNone')}`),
        h('div', { class: 'buttons' },
          h('button', { type: 'button', 'data-action': `rotate-token-${slot}`, onclick: () => control.rotate(slot).then(({ token, status: next }) => {
            shown.hidden = false;
            shown.value = token;
            shown.select();
            note.className = 'ok';
            note.textContent = `${SLOT_TITLES[slot]}: ${t('tokenShownOnce')}`;
            draw(next);
          }, fail) }, t('tokenRotate')),
          ...(required ? [h('button', { type: 'button', 'data-action': `clear-token-${slot}`, onclick: () => control.clear(slot).then((next) => {
            shown.hidden = true;
            shown.value = '';
            note.className = 'ok';
            note.textContent = `${SLOT_TITLES[slot]}: ${t('tokenNone')}`;
            draw(next);
          }, fail) }, t('tokenClear'))] : [])));
    }));
  };
  draw(control.status);
  return h('form', { class: 'preferences', onsubmit: (event) => event.preventDefault() },
    h('fieldset', {}, h('legend', {}, t('tokenTitle')), rows, shown), note);
}
