import { h } from './dom.js';
import { t } from './i18n.js';

/** Asks a yes/no question in a modal dialog (keyboard: Enter confirms, Escape cancels). */
export function confirmDialog(question: string, details: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'data-testid': 'confirm-dialog' },
      h('form', { method: 'dialog' },
        h('p', { class: 'question' }, question),
        ...details.map((line) => h('p', { class: 'muted' }, line)),
        h('div', { class: 'buttons' },
          h('button', { value: 'cancel', type: 'submit' }, t('cancel')),
          h('button', { value: 'confirm', type: 'submit', class: 'primary', autofocus: true, 'data-testid': 'confirm' }, t('confirm')),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
