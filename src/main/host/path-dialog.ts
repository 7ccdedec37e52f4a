import type { PathChoice } from '../../shared/host-api.js';
import { LiteCnnError } from '../errors.js';

/** Shows a native open dialog and answers the chosen path, or null when the user cancelled. */
export type PathChooser = (choice: PathChoice) => Promise<string | null>;

/**
 * The app's native open dialog behind the control API, one at a time. A host without one
 * (`litecnn serve`) says so and how to do without.
 */
export class PathDialog {
  readonly #chooser: PathChooser | undefined;
  #open = false;

  constructor(chooser?: PathChooser) {
    this.#chooser = chooser;
  }

  get available(): boolean {
    return this.#chooser !== undefined;
  }

  async choose(choice: PathChoice): Promise<string | null> {
    if (!this.#chooser) {
      throw new LiteCnnError('NOT_SUPPORTED', 'This host runs without a window (litecnn serve), so it cannot show a dialog to choose a path. Type the path as it is on the host\'s machine instead.', { httpStatus: 409 });
    }
    if (this.#open) {
      throw new LiteCnnError('BUSY', 'A dialog to choose a path is already open in LiteCNN Dual. Choose there or cancel it, then try again.', { httpStatus: 409 });
    }
    this.#open = true;
    try {
      return await this.#chooser(choice);
    } finally {
      this.#open = false;
    }
  }
}
