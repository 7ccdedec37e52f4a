import type { PathChoice } from '../shared/host-api.js';
import { errorText } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** The app's native open dialog, through the host (null: the user cancelled). */
export type ChoosePath = (choice: PathChoice) => Promise<string | null>;

/**
 * A "Choose…" button beside a path field: the app's open dialog fills the field (as typing would,
 * so the field's listeners see it). A failure goes to `onError`; a cancel changes nothing.
 */
export function choosePathButton(choice: PathChoice, field: HTMLInputElement, choosePath: ChoosePath, onError: (message: string) => void): HTMLButtonElement {
  const button = h('button', { type: 'button', 'data-action': `choose-${choice}`, 'aria-controls': field.id, onclick: () => {
    button.disabled = true;
    choosePath(choice).then(
      (path) => {
        if (path === null) return;
        field.value = path;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        field.focus();
      },
      (error: Error) => onError(errorText(error)),
    ).finally(() => (button.disabled = false));
  } }, t('choosePath'));
  return button;
}
