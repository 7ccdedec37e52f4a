import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PathChoice } from '../../src/shared/host-api.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { PathDialog } from '../../src/main/host/path-dialog.js';

function refusal(code: string, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LiteCnnError);
    assert.equal(error.code, code);
    assert.equal(error.httpStatus, 409);
    assert.match(error.message, message);
    return true;
  };
}

describe('PathDialog', () => {
  test('without a dialog (headless) it is unavailable and says to type the path', async () => {
    const dialog = new PathDialog();
    assert.equal(dialog.available, false);
    await assert.rejects(dialog.choose('eval-set'), refusal('NOT_SUPPORTED', /litecnn serve.*Type the path/));
  });

  test('asks the app\'s dialog for the choice and answers its path, or null when cancelled', async () => {
    const asked: PathChoice[] = [];
    const answers = ['/Users/me/pets', null];
    const dialog = new PathDialog(async (choice) => {
      asked.push(choice);
      return answers.shift() ?? null;
    });
    assert.equal(dialog.available, true);
    assert.equal(await dialog.choose('eval-set'), '/Users/me/pets');
    assert.equal(await dialog.choose('gpu-key'), null);
    assert.deepEqual(asked, ['eval-set', 'gpu-key']);
  });

  test('one dialog at a time; the next may open once it closes, also after a failure', async () => {
    let close: (path: string) => void = () => undefined;
    let fail = false;
    const dialog = new PathDialog((_choice) => {
      if (fail) return Promise.reject(new Error('the window went away'));
      return new Promise((resolve) => (close = resolve));
    });
    const first = dialog.choose('gate-set');
    await assert.rejects(dialog.choose('eval-set'), refusal('BUSY', /already open.*cancel it/));
    close('/srv/gate');
    assert.equal(await first, '/srv/gate');
    fail = true;
    await assert.rejects(dialog.choose('eval-set'), /the window went away/);
    fail = false;
    const again = dialog.choose('eval-set');
    close('/srv/set');
    assert.equal(await again, '/srv/set');
  });
});
