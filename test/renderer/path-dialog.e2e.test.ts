import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HostStatus, PathChoice } from '../../src/shared/host-api.js';
import { launchChromium, watchPageErrors } from '../helpers/browser.js';
import { fixtureImage } from '../helpers/paths.js';
import { controlRequest, eventually, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// The app's host, with its open dialog played by the user: each call answers the next path (null: cancelled; an Error: the dialog failed).
const asked: PathChoice[] = [];
const answers: (string | null | Error)[] = [];
let dialogClosed: Promise<void> | null = null;
const { host } = await startTestHost({}, undefined, {
  choosePath: async (choice) => {
    asked.push(choice);
    await dialogClosed;
    const answer = answers.shift() ?? null;
    if (answer instanceof Error) throw answer;
    return answer;
  },
});
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
const pageErrors = watchPageErrors(page);
const origin = new URL(host.dashboardUrl).origin;

async function photoFolder(): Promise<string> {
  const dir = await tempDir('litecnn-chosen-set-');
  for (const name of ['cat-persian.jpg', 'dog-golden-retriever.jpg']) await symlink(fixtureImage(name), join(dir, name));
  return dir;
}

test('the app\'s host offers its open dialog: the API answers the chosen path, refuses an unknown choice and a second dialog', async () => {
  const status = (await (await controlRequest(host, '/api/status')).json()) as HostStatus;
  assert.equal(status.host.pathDialog, true);

  answers.push('/home/me/.ssh/id_ed25519');
  const chosen = await controlRequest(host, '/api/choose-path', { body: { choice: 'gpu-key' } });
  assert.equal(chosen.status, 200);
  assert.deepEqual(await chosen.json(), { path: '/home/me/.ssh/id_ed25519' });
  assert.deepEqual(asked.splice(0), ['gpu-key']);

  const unknown = await controlRequest(host, '/api/choose-path', { body: { choice: 'home-folder' } });
  assert.equal(unknown.status, 400);
  assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /choice/);
  assert.deepEqual(asked, [], 'no dialog for a choice the host does not know');

  let close = (): void => undefined;
  dialogClosed = new Promise((resolve) => (close = resolve));
  const first = controlRequest(host, '/api/choose-path', { body: { choice: 'eval-set' } });
  await eventually(() => assert.equal(asked.length, 1));
  const second = await controlRequest(host, '/api/choose-path', { body: { choice: 'gate-set' } });
  assert.equal(second.status, 409);
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'BUSY');
  close();
  dialogClosed = null;
  assert.deepEqual(await (await first).json(), { path: null }, 'the open dialog was cancelled');
  asked.length = 0;
});

test('Evaluations: "Choose…" fills the folder (a cancel leaves it, a failure says why) and the evaluation runs on the chosen folder', async () => {
  await page.goto(host.dashboardUrl);
  const choose = page.locator('[data-action=choose-eval-set]');
  await choose.waitFor({ state: 'visible' });
  assert.equal(await choose.getAttribute('aria-label'), 'Choose… Folder on the host', 'screen readers hear which field it fills');
  const field = page.getByTestId('eval-dir');
  await field.fill('/typed/before');
  const focused = (): Promise<string> => page.evaluate<string>(`document.activeElement?.getAttribute('data-action') ?? document.activeElement?.getAttribute('data-testid') ?? ''`);

  answers.push(null);
  await choose.click();
  await eventually(() => assert.deepEqual(asked, ['eval-set']));
  await eventually(async () => assert.equal(await choose.isEnabled(), true));
  assert.equal(await field.inputValue(), '/typed/before');
  await eventually(async () => assert.equal(await focused(), 'choose-eval-set', 'focus is back on the button after a cancel'));

  answers.push(new Error('the dialog could not open'));
  await choose.click();
  const error = page.getByTestId('eval-error');
  await error.filter({ hasText: 'the dialog could not open' }).waitFor();

  const dir = await photoFolder();
  answers.push(dir);
  await choose.click();
  await eventually(async () => assert.equal(await field.inputValue(), dir));
  await eventually(async () => assert.equal(await focused(), 'eval-dir', 'focus moves to the filled field'));
  assert.equal(await error.count(), 0, 'the earlier failure no longer shows');
  await page.click('[data-action=evaluate]');
  const row = page.locator('[data-testid=eval-list] tr[data-eval-id]').filter({ hasText: basename(dir) }).filter({ hasText: 'done' });
  await row.waitFor({ timeout: 60_000 });
  assert.equal(await row.locator('td').nth(3).innerText(), '2', 'both photos of the chosen folder were evaluated');
  asked.length = 0;
});

test('Preferences: "Choose…" beside the gate set and the GPU key only; the chosen folder is saved', async () => {
  await page.goto(`${origin}/#preferences`);
  const gateSet = page.locator('#pref-promotionGateSet');
  await gateSet.waitFor();
  const buttons = await page.locator('[data-action^=choose-]').evaluateAll((found) => found.map((button) => button.getAttribute('data-action')));
  assert.deepEqual(buttons.sort(), ['choose-gate-set', 'choose-gpu-key']);

  const dir = await photoFolder();
  answers.push(dir);
  await page.click('[data-action=choose-gate-set]');
  await eventually(async () => assert.equal(await gateSet.inputValue(), dir));
  assert.deepEqual(asked, ['gate-set']);
  await page.click('form.preferences button[type=submit]');
  await page.getByTestId('preferences-message').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(host.settings.promotionGateSet, dir);
  assert.deepEqual(pageErrors, []);
});
