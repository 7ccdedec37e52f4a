import type { MessageBoxOptions } from 'electron';
import { describeError } from '../errors.js';
import { menuBarStrings, type Language, type MenuBarStrings } from './menu-bar-strings.js';

/** What the app tried when something failed. */
export type FailedAction = keyof MenuBarStrings['couldNot'];

/** An error box: what could not be done, then the host's message, which says what to do. */
export function failureDialog(action: FailedAction, error: unknown, language: Language): MessageBoxOptions {
  const t = menuBarStrings(language);
  return { type: 'error', title: t.appName, message: t.couldNot[action], detail: describeError(error), buttons: ['OK'], noLink: true };
}
