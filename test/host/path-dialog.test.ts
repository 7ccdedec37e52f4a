import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PathChoice } from '../../src/shared/host-api.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { PathDialog } from '../../src/main/host/path-dialog.js';
import { Host } from '../../src/main/host/host.js';
import { DEFAULT_SETTINGS } from '../../src/main/settings/settings-schema.js';
import { forkSlotLauncher } from '../../src/main/slot/slot-launcher.js';
import { controlRequest, eventually } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

function refusal(code: string, message: RegExp, httpStatus = 409) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LiteCnnError);
    assert.equal(error.code, code);
    assert.equal(error.httpStatus, httpStatus);
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
    await assert.rejects(dialog.choose('eval-set'), { code: 'INTERNAL', message: /dialog to choose a path failed \(.*the window went away\)\. Type the path instead/ });
    fail = false;
    const again = dialog.choose('eval-set');
    close('/srv/set');
    assert.equal(await again, '/srv/set');
  });

  test('closing (the host stops) lets go of an open dialog and opens no new one', async () => {
    let answer: (path: string) => void = () => undefined;
    const dialog = new PathDialog(() => new Promise((resolve) => (answer = resolve)));
    const open = dialog.choose('eval-set');
    dialog.close();
    await assert.rejects(open, refusal('NOT_READY', /quitting/, 503));
    answer('/late/answer');
    await assert.rejects(dialog.choose('gate-set'), refusal('NOT_READY', /quitting/, 503));
  });
});

test('a host stops while its dialog is still open: the request is answered 503 and the control API closes', async () => {
  const asked: string[] = [];
  const host = new Host({
    dataDir: await tempDir('litecnn-host-'),
    settings: { ...DEFAULT_SETTINGS, asisPort: 0, tobePort: 0, controlPort: 0 },
    launcher: forkSlotLauncher,
    choosePath: (choice) => {
      asked.push(choice);
      return new Promise(() => undefined);
    },
  });
  let stopped: Promise<void> | null = null;
  try {
    await host.start();
    const pending = controlRequest(host, '/api/choose-path', { body: { choice: 'eval-set' } });
    await eventually(() => assert.deepEqual(asked, ['eval-set']));
    stopped = host.stop();
    const answer = await pending;
    assert.equal(answer.status, 503);
    assert.match(((await answer.json()) as { error: { message: string } }).error.message, /quitting/);
    await stopped;
  } finally {
    await (stopped ?? host.stop());
  }
});
