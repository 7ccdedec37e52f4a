import { join } from 'node:path';
import type { OpenDialogOptions } from 'electron';
import type { PathChoice } from '../../shared/host-api.js';
import { menuBarStrings, type Language } from './menu-bar-strings.js';

/**
 * The open dialog for one of the dashboard's "Choose…" buttons: a folder for an image set, a file
 * for the GPU key, starting in ~/.ssh with hidden files shown (that folder is hidden itself).
 */
export function openDialogOptions(choice: PathChoice, language: Language, home: string): OpenDialogOptions {
  const { title, button } = menuBarStrings(language).choose[choice];
  const common = { title, message: title, buttonLabel: button };
  if (choice === 'gpu-key') {
    return { ...common, defaultPath: join(home, '.ssh'), properties: ['openFile', 'showHiddenFiles', 'treatPackageAsDirectory'] };
  }
  return { ...common, defaultPath: home, properties: ['openDirectory', 'treatPackageAsDirectory'] };
}
