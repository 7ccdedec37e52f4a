import type { GateCheck, GateVerdict } from '../shared/release-api.js';
import { errorText } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatGateFigure, formatTime } from './format.js';
import { t, type MessageKey } from './i18n.js';

/** What the person decided: promote (past a failing gate only with a reason), or nothing. */
export type PromoteDecision = { force: false } | { force: true; reason: string } | null;

/**
 * Asks before a promote, with the promotion gate's evidence once `verdict` settles (it may run an
 * evaluation first, so the dialog opens at once and shows that it is checking). With no gate or a
 * passing one, Confirm promotes; a failing gate blocks it, and "Promote anyway" appears, enabled
 * only once a reason is typed. Escape cancels.
 */
export function promoteDialog(summary: string, verdict: Promise<GateVerdict | null>): Promise<PromoteDecision> {
  return new Promise((resolve) => {
    const gate = h('div', { class: 'gate', 'data-testid': 'gate', 'aria-live': 'polite' },
      h('p', { class: 'muted', 'data-testid': 'gate-checking' }, h('progress', { 'aria-label': t('gateChecking') }), ' ', t('gateChecking')));
    const cancel = h('button', { type: 'button', onclick: () => dialog.close('cancel') }, t('cancel'));
    const confirm = h('button', { value: 'confirm', type: 'submit', class: 'primary', disabled: true, 'data-testid': 'confirm' }, t('confirm'));
    const reason = h('textarea', { id: 'gate-reason', rows: 2, maxlength: 2000, 'data-testid': 'gate-reason' });
    const force = h('button', { value: 'force', type: 'submit', class: 'danger', disabled: true, 'data-testid': 'promote-anyway' }, t('promoteAnyway'));
    reason.addEventListener('input', () => (force.disabled = reason.value.trim() === ''));
    const dialog = h('dialog', { class: 'confirm gate-dialog', 'aria-busy': 'true', 'data-testid': 'confirm-dialog' },
      h('form', { method: 'dialog' },
        h('p', { class: 'question' }, t('confirmPromote')),
        h('p', { class: 'muted' }, summary),
        gate,
        h('div', { class: 'buttons' }, cancel, confirm),
      ),
    );
    const settle = (...children: Array<Node | null>): void => {
      dialog.removeAttribute('aria-busy');
      replaceChildren(gate, ...children);
    };
    verdict.then((found) => {
      if (!found) {
        settle(h('p', { class: 'muted', 'data-testid': 'gate-outcome' }, t('gateNone')));
      } else if (found.passed) {
        settle(h('p', { class: 'ok', 'data-testid': 'gate-outcome' }, t('gatePassed')), evidence(found));
      } else {
        settle(h('p', { class: 'error', role: 'alert', 'data-testid': 'gate-outcome' }, t('gateBlocked')), evidence(found),
          h('label', { for: 'gate-reason' }, t('gateReason')), reason);
        confirm.replaceWith(force);
        reason.focus();
        return;
      }
      confirm.disabled = false;
      confirm.focus();
    }, (error: Error) => settle(h('p', { class: 'error', role: 'alert', 'data-testid': 'gate-outcome' }, `${t('gateError')} ${errorText(error)}`)));
    dialog.addEventListener('close', () => {
      const answer = dialog.returnValue;
      resolve(answer === 'confirm' ? { force: false } : answer === 'force' && reason.value.trim() ? { force: true, reason: reason.value.trim() } : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Each check with both models' figures, what it needed and its outcome; then the evaluation it judged. */
function evidence(verdict: GateVerdict): HTMLElement {
  return h('div', { class: 'gate-evidence' },
    h('table', { class: 'gate-checks', 'data-testid': 'gate-checks' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('gateCheck')),
        h('th', { scope: 'col', class: 'num' }, 'AS-IS'),
        h('th', { scope: 'col', class: 'num' }, 'TO-BE'),
        h('th', { scope: 'col' }, t('gateNeeded')),
        h('th', { scope: 'col' }, t('gateResult')))),
      h('tbody', {}, ...verdict.checks.map((check) => h('tr', { 'data-check': check.name },
        h('th', { scope: 'row' }, t(`gateCheck_${check.name}` as MessageKey)),
        h('td', { class: 'num', 'data-testid': 'gate-asis' }, formatGateFigure(check, check.asis)),
        h('td', { class: 'num', 'data-testid': 'gate-tobe' }, formatGateFigure(check, check.tobe)),
        h('td', { 'data-testid': 'gate-limit' }, check.limit),
        h('td', { class: check.passed ? 'ok' : 'error', 'data-testid': 'gate-passed' }, check.passed ? t('gatePass') : t('gateFail')),
      ))),
    ),
    h('p', { class: 'muted path' },
      `${t('gateEvaluation')} `, h('span', { class: 'mono', 'data-testid': 'gate-evaluation' }, verdict.evaluationId),
      ` · ${t('evalSet')} `, h('span', { 'data-testid': 'gate-set' }, verdict.setDir),
      ` · ${formatTime(verdict.evaluatedAt)}`),
  );
}

