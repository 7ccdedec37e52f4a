import type { PathChoice, PathChooser } from '../../shared/host-api.js';
import { LiteCnnError, describeError } from '../errors.js';

/**
 * The app's native open dialog behind the control API, one at a time. A host without one
 * (`litecnn serve`) says so and how to do without.
 */
export class PathDialog {
  readonly #chooser: PathChooser | undefined;
  #closed = false;
  /** Rejects the open dialog's request; null while no dialog is open. */
  #abandon: (() => void) | null = null;

  constructor(chooser?: PathChooser) {
    this.#chooser = chooser;
  }

  get available(): boolean {
    return this.#chooser !== undefined;
  }

  async choose(choice: PathChoice): Promise<string | null> {
    const chooser = this.#chooser;
    if (!chooser) {
      throw new LiteCnnError('NOT_SUPPORTED', 'This host runs without a window (litecnn serve), so it cannot show a dialog to choose a path. Type the path as it is on the host\'s machine instead.', { httpStatus: 409 });
    }
    if (this.#closed) throw quitting();
    if (this.#abandon) {
      throw new LiteCnnError('BUSY', 'A dialog to choose a path is already open in LiteCNN Dual. Choose there or cancel it, then try again.', { httpStatus: 409 });
    }
    try {
      return await new Promise<string | null>((resolve, reject) => {
        this.#abandon = () => reject(quitting());
        chooser(choice).then(resolve, (error: unknown) => reject(new LiteCnnError('INTERNAL', `The dialog to choose a path failed (${describeError(error)}). Type the path instead.`, { httpStatus: 500, cause: error })));
      });
    } finally {
      this.#abandon = null;
    }
  }

  /** The host is stopping: an open dialog no longer holds its request (its answer is dropped), and no new one opens. */
  close(): void {
    this.#closed = true;
    this.#abandon?.();
  }
}

function quitting(): LiteCnnError {
  return new LiteCnnError('NOT_READY', 'LiteCNN Dual is quitting, so no path is chosen. Open the dashboard again once it runs.', { httpStatus: 503 });
}
