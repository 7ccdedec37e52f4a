import type { PathChoice, PathChooser } from '../shared/host-api.js';
import { errorText } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * A "Choose…" button beside a path field (`label` names the field to screen readers): the app's
 * open dialog fills the field as typing would, so the field's listeners see it. `report` gets a
 * failure's message, or null once a path is chosen (an earlier failure no longer applies); a
 * cancel changes nothing.
 */
export function choosePathButton(choice: PathChoice, field: HTMLInputElement, label: string, choosePath: PathChooser, report: (error: string | null) => void): HTMLButtonElement {
  const button = h('button', { type: 'button', 'data-action': `choose-${choice}`, 'aria-controls': field.id, 'aria-label': `${t('choosePath')} ${label}`, onclick: () => {
    button.disabled = true;
    // Disabled while the dialog is open, the button loses focus: it goes to the filled field, or back to the button.
    choosePath(choice).then(
      (path): HTMLElement => {
        if (path === null) return button;
        field.value = path;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        report(null);
        return field;
      },
      (error: Error): HTMLElement => {
        report(errorText(error));
        return button;
      },
    ).then((next) => {
      button.disabled = false;
      next.focus();
    });
  } }, t('choosePath'));
  return button;
}
