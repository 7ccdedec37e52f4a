import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppHostSetup } from '../../src/main/electron/app-host.js';
import { MenuBarApp } from '../../src/main/electron/menu-bar-app.js';
import { BUNDLED_WEIGHTS_DIR } from '../../src/main/host/data-dir.js';
import { SLOT_PROCESS_ENTRY } from '../../src/main/slot/slot-launcher.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { clickItem, createFakeElectron, menuItem, type FakeElectronOptions } from '../fakes/electron.js';
import { FakeHost, historyEntry, slotStatus, versionRef, watchStatus } from '../fakes/host.js';

async function startApp(options: FakeElectronOptions & { env?: NodeJS.ProcessEnv; prepareHost?: (host: FakeHost) => void } = {}) {
  const log: string[] = [];
  const fake = createFakeElectron({ userData: '/Users/me/Library/Application Support/LiteCNN Dual', appPath: '/repo', ...options, log });
  const host = new FakeHost({ log, dataDir: '/Users/me/Library/Application Support/LiteCNN Dual' });
  options.prepareHost?.(host);
  const setups: AppHostSetup[] = [];
  const menuBar = new MenuBarApp(fake.electron, {
    createHost: async (setup) => {
      setups.push(setup);
      return host;
    },
    resourcesPath: '/Applications/LiteCNN Dual.app/Contents/Resources',
    env: options.env ?? {},
  });
  await menuBar.run();
  await menuBar.idle();
  return { fake, host, menuBar, log, setups };
}

describe('MenuBarApp: start', () => {
  test('takes the single-instance lock, hides the Dock icon, shows a template tray icon, starts the host', async () => {
    const { fake, log, setups } = await startApp();
    assert.equal(fake.app.dockHidden, true);
    assert.equal(fake.trays.length, 1);
    assert.equal(fake.trays[0]?.image.path, '/repo/build/trayTemplate.png');
    assert.equal(fake.trays[0]?.image.template, true);
    assert.ok(log.includes('host.start'));
    assert.equal(fake.trays[0]?.title, '● ●');
    assert.equal(fake.trays[0]?.contextMenu?.template, fake.lastMenu());
    assert.equal(menuItem(fake.lastMenu(), 'slot-line:asis').label, 'AS-IS  ● ready · :8891 · mobilenetv2-pets 1.0.0');
    assert.equal(setups[0]?.dataDir, '/Users/me/Library/Application Support/LiteCNN Dual');
    assert.equal(setups[0]?.bundledWeightsDir, BUNDLED_WEIGHTS_DIR);
  });

  test('the host’s slots are launched as utility processes', async () => {
    const { fake, setups } = await startApp();
    setups[0]?.launcher.launch('asis', SLOT_PROCESS_ENTRY);
    assert.equal(fake.forks[0]?.modulePath, SLOT_PROCESS_ENTRY);
  });

  test('LITECNN_DATA_DIR chooses the data dir, as for the CLI', async () => {
    const { setups } = await startApp({ env: { LITECNN_DATA_DIR: '/srv/litecnn' } });
    assert.equal(setups[0]?.dataDir, '/srv/litecnn');
  });

  test('Korean when the system prefers Korean', async () => {
    const { fake } = await startApp({ preferredLanguages: ['ko-KR', 'en-US'] });
    assert.equal(menuItem(fake.lastMenu(), 'open-dashboard').label, '대시보드 열기…');
  });

  test('a second launch quits at once and leaves the running one alone', async () => {
    const { fake, log, setups } = await startApp({ hasSingleInstanceLock: false });
    assert.equal(fake.app.quitted, true);
    assert.equal(fake.trays.length, 0);
    assert.deepEqual(setups, []);
    assert.ok(!log.includes('host.start'));
  });

  test('a host that cannot start is reported, then the app stops it and quits', async () => {
    const { fake, log } = await startApp({
      prepareHost: (host) => host.failures.set('host.start', new LiteCnnError('PORT_IN_USE', 'The control port 8890 is already in use; is another `litecnn serve` running?')),
    });
    assert.equal(fake.dialogs[0]?.message, 'LiteCNN Dual could not start');
    assert.match(String(fake.dialogs[0]?.detail), /litecnn serve/);
    assert.ok(log.indexOf('host.stop') > log.indexOf('host.start'));
    assert.equal(fake.app.quitted, true);
  });
});

describe('MenuBarApp: the menu follows the host', () => {
  test('rebuilt on every host event', async () => {
    const { fake, host, menuBar } = await startApp();
    const built = fake.menus.length;

    host.slots = [slotStatus('asis', 'ready'), slotStatus('tobe', 'stopped')];
    host.publish({ type: 'slot-state', data: { slot: 'tobe', state: 'stopped', error: null } });
    await menuBar.idle();
    assert.ok(fake.menus.length > built);
    assert.equal(menuItem(fake.lastMenu(), 'slot-line:tobe').label, 'TO-BE  ○ stopped · :8892 · no model');
    assert.equal(fake.trays[0]?.title, '● ○');

    host.publish({ type: 'progress', data: { operation: 'deploy', slot: 'tobe', step: 'download', percent: 30 } });
    assert.equal(menuItem(fake.lastMenu(), 'deploy').label, 'Deploying to TO-BE: downloading 30%');
    assert.equal(menuItem(fake.lastMenu(), 'deploy').enabled, false);
    host.publish({ type: 'progress', data: null });
    assert.equal(menuItem(fake.lastMenu(), 'deploy').enabled, true);

    host.publish({ type: 'watch', data: watchStatus({ enabled: false }) });
    assert.equal(menuItem(fake.lastMenu(), 'auto-deploy').checked, false);

    const beforeHistory = fake.menus.length;
    host.slots = [slotStatus('asis', 'ready'), slotStatus('tobe', 'ready', { model: { name: 'mobilenetv2-pets', version: '2.1.0', sha256: 'c'.repeat(64) } })];
    host.publish({ type: 'history', data: historyEntry({ action: 'deploy', slot: 'tobe', to: versionRef('2.1.0', 'c') }) });
    await menuBar.idle();
    assert.ok(fake.menus.length > beforeHistory);
    assert.equal(menuItem(fake.lastMenu(), 'slot-line:tobe').label, 'TO-BE  ● ready · :8892 · mobilenetv2-pets 2.1.0');
  });
});

describe('MenuBarApp: menu actions', () => {
  test('Stop TO-BE calls host.act("tobe", "stop")', async () => {
    const { fake, log, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'slot:tobe:stop');
    await menuBar.idle();
    assert.ok(log.includes('host.act:tobe:stop'));
  });

  test('a slot action that fails is shown in an error box', async () => {
    const { fake, host, menuBar } = await startApp();
    host.failures.set('host.act', new LiteCnnError('PORT_IN_USE', 'Port 8891 is in use.'));
    clickItem(fake.lastMenu(), 'slot:asis:restart');
    await menuBar.idle();
    assert.equal(fake.dialogs.at(-1)?.message, 'Could not restart the slot');
    assert.equal(fake.dialogs.at(-1)?.detail, 'Port 8891 is in use.');
  });

  test('Promote asks first, naming both versions, and promotes only on OK', async () => {
    const { fake, log, menuBar } = await startApp({ dialogAnswers: [1, 0] });
    clickItem(fake.lastMenu(), 'promote');
    await menuBar.idle();
    assert.equal(fake.dialogs.length, 1);
    assert.match(String(fake.dialogs[0]?.detail), /1\.1\.0-exp\.1[\s\S]*replaces[\s\S]*1\.0\.0/);
    assert.ok(!log.some((call) => call.startsWith('host.promote')), 'cancelled: no promote');

    clickItem(fake.lastMenu(), 'promote');
    await menuBar.idle();
    assert.ok(log.includes('host.promote:app'));
    assert.ok(log.indexOf('host.promote:app') > log.lastIndexOf(`dialog:${fake.dialogs[1]?.message}`));
  });

  test('Roll back TO-BE asks first, then rolls back to exactly the version shown', async () => {
    const v1 = versionRef('1.0.0', 'a');
    const v2 = versionRef('1.1.0-exp.1', 'b');
    const { fake, log, menuBar } = await startApp({
      dialogAnswers: [0],
      prepareHost: (host) => {
        host.historyEntries = [historyEntry({ action: 'deploy', slot: 'tobe', from: v1, to: v2 })];
      },
    });
    clickItem(fake.lastMenu(), 'rollback-tobe');
    await menuBar.idle();
    assert.match(String(fake.dialogs[0]?.detail), /1\.1\.0-exp\.1[\s\S]*→ 1\.0\.0/);
    assert.ok(log.includes(`host.rollback:tobe:${v1.bundleSha256}:app`));
  });

  test('Roll back TO-BE with nothing to go back to says so and does nothing', async () => {
    const { fake, log, menuBar } = await startApp({ dialogAnswers: [0] });
    clickItem(fake.lastMenu(), 'rollback-tobe');
    await menuBar.idle();
    assert.equal(fake.dialogs[0]?.message, 'TO-BE has no earlier version to roll back to.');
    assert.ok(!log.some((call) => call.startsWith('host.rollback')));
  });

  test('Deploy now deploys to TO-BE and says when there was nothing new', async () => {
    const { fake, log, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'deploy');
    await menuBar.idle();
    assert.ok(log.includes('host.deploy:app'));
    assert.deepEqual(fake.notifications.at(-1), { title: 'TO-BE is up to date', body: 'Run run-7 is already deployed; nothing to do.' });
  });

  test('Auto-deploy switches the watcher through the host, and the menu shows it', async () => {
    const { fake, log, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'auto-deploy');
    await menuBar.idle();
    assert.ok(log.includes('host.setWatch:false'));
    assert.equal(menuItem(fake.lastMenu(), 'auto-deploy').checked, false);
  });

  test('Launch at Login registers the app as a login item only when ticked', async () => {
    const { fake, log, menuBar } = await startApp();
    assert.ok(!log.some((call) => call.startsWith('app.setLoginItemSettings')), 'nothing registered by default');
    clickItem(fake.lastMenu(), 'launch-at-login');
    await menuBar.idle();
    assert.ok(log.includes('app.setLoginItemSettings:true'));
    assert.equal(menuItem(fake.lastMenu(), 'launch-at-login').checked, true);
  });

  test('Open Logs Folder opens <data dir>/logs, and says so when it cannot', async () => {
    const { fake, menuBar } = await startApp({ openPathError: 'Failed to open path' });
    clickItem(fake.lastMenu(), 'open-logs');
    await menuBar.idle();
    assert.deepEqual(fake.openedPaths, ['/Users/me/Library/Application Support/LiteCNN Dual/logs']);
    assert.equal(fake.dialogs.at(-1)?.message, 'Could not open the logs folder');
  });
});

describe('MenuBarApp: the dashboard window', () => {
  test('opens once, hardened, at the host’s dashboard URL with the token; shown when ready', async () => {
    const { fake, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    const [window] = fake.windows;
    assert.ok(window);
    assert.deepEqual(window.loadedUrls, ['http://127.0.0.1:8890/#token=fake-token']);
    assert.equal((window.options.webPreferences as Record<string, unknown>).sandbox, true);
    assert.deepEqual(window.webContents.windowOpenHandler?.({ url: 'https://example.com' }), { action: 'deny' });
    assert.equal(window.webContents.navigate('https://example.com/'), true);
    assert.equal(window.visible, false);
    window.emit('ready-to-show');
    assert.equal(window.visible, true);

    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    assert.equal(fake.windows.length, 1, 'one window at most');
    assert.equal(window.focused, true);
  });

  test('Preferences opens the dashboard at #preferences; an open page just moves there', async () => {
    const { fake, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'preferences');
    await menuBar.idle();
    assert.deepEqual(fake.windows[0]?.loadedUrls, ['http://127.0.0.1:8890/#token=fake-token&preferences']);
    clickItem(fake.lastMenu(), 'preferences');
    await menuBar.idle();
    assert.deepEqual(fake.windows[0]?.loadedUrls.at(-1), 'http://127.0.0.1:8890/#preferences');
  });

  test('a closed window is made anew next time', async () => {
    const { fake, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    fake.windows[0]?.close();
    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    assert.equal(fake.windows.length, 2);
  });

  test('launching the app again opens the running one’s dashboard', async () => {
    const { fake, menuBar } = await startApp();
    fake.app.launchSecondInstance();
    await menuBar.idle();
    assert.equal(fake.windows.length, 1);
    assert.deepEqual(fake.windows[0]?.loadedUrls, ['http://127.0.0.1:8890/#token=fake-token']);
  });

  test('closing the last window keeps the app in the menu bar', async () => {
    const { fake } = await startApp();
    assert.ok(fake.app.listenerCount('window-all-closed') > 0, 'without a listener Electron would quit');
  });
});

describe('MenuBarApp: choosing a path for the dashboard', () => {
  test('a folder for an evaluation: an open dialog for folders, on the dashboard window, answering the chosen folder', async () => {
    const { fake, menuBar, setups } = await startApp({ openDialogAnswers: ['/Users/me/Pictures/pets'] });
    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    fake.windows[0]!.minimized = true;
    const focusBefore = fake.app.focusCalls;
    assert.equal(await setups[0]!.choosePath('eval-set'), '/Users/me/Pictures/pets');
    const [shown] = fake.openDialogs;
    assert.equal(shown?.window, fake.windows[0], 'a sheet on the dashboard, not a free window behind it');
    assert.equal(fake.windows[0]!.minimized, false, 'a sheet on a minimized window would not be seen');
    assert.equal(fake.windows[0]!.visible, true);
    assert.deepEqual(shown?.options.properties, ['openDirectory', 'treatPackageAsDirectory']);
    assert.equal(shown?.options.title, 'Choose a Folder of Images to Evaluate');
    assert.equal(shown?.options.defaultPath, '/tmp/litecnn-fake-home');
    assert.ok(fake.app.focusCalls > focusBefore, 'a menu-bar app must come to the front for its dialog');
  });

  test('the GPU key: a file, starting in ~/.ssh with hidden files shown; in Korean for a Korean user', async () => {
    const { fake, setups } = await startApp({ openDialogAnswers: ['/Users/me/.ssh/id_ed25519'], preferredLanguages: ['ko-KR'] });
    assert.equal(await setups[0]!.choosePath('gpu-key'), '/Users/me/.ssh/id_ed25519');
    const [shown] = fake.openDialogs;
    assert.equal(shown?.window, null, 'no dashboard open: a dialog of its own');
    assert.deepEqual(shown?.options.properties, ['openFile', 'showHiddenFiles', 'treatPackageAsDirectory']);
    assert.equal(shown?.options.defaultPath, '/tmp/litecnn-fake-home/.ssh');
    assert.equal(shown?.options.title, 'GPU 서버 개인 키 선택');
  });

  test('a cancelled dialog answers null; a closed dashboard gets a dialog of its own', async () => {
    const { fake, menuBar, setups } = await startApp({ openDialogAnswers: [null] });
    clickItem(fake.lastMenu(), 'open-dashboard');
    await menuBar.idle();
    fake.windows[0]!.close();
    assert.equal(await setups[0]!.choosePath('gate-set'), null);
    assert.equal(fake.openDialogs[0]?.window, null);
    assert.deepEqual(fake.openDialogs[0]?.options.properties, ['openDirectory', 'treatPackageAsDirectory']);
    assert.equal(fake.openDialogs[0]?.options.buttonLabel, 'Choose');
  });
});

describe('MenuBarApp: notifications', () => {
  test('shown for release history and slot crashes', async () => {
    const { fake, host } = await startApp();
    host.publish({ type: 'history', data: historyEntry({ action: 'promote', slot: 'asis', trigger: 'cli', to: versionRef('2.0.0', 'b'), tag: 'v1.1.0' }) });
    host.publish({ type: 'slot-state', data: { slot: 'tobe', state: 'crashed', error: { code: 'SLOT_START_FAILED', message: 'The TO-BE slot process exited with code 1; restarting in 0.5 s.' } } });
    assert.deepEqual(fake.notifications, [
      { title: 'Promoted to AS-IS', body: 'Version 2.0.0 (v1.1.0) is now the production model.' },
      { title: 'TO-BE crashed', body: 'The TO-BE slot process exited with code 1; restarting in 0.5 s.' },
    ]);
  });

  test('a watcher failing the same way again and again notifies once', async () => {
    const { fake, host } = await startApp();
    const failure = () => historyEntry({ action: 'deploy', slot: 'tobe', outcome: 'failed', error: { code: 'GPU_UNREACHABLE', message: 'Cannot reach gpu.lan:22.', step: 'connect' } });
    host.publish({ type: 'history', data: failure() });
    host.publish({ type: 'history', data: failure() });
    host.publish({ type: 'history', data: failure() });
    assert.equal(fake.notifications.length, 1);
  });
});

describe('MenuBarApp: quit', () => {
  test('Quit stops the host (both slots) before the app quits', async () => {
    const { fake, log, menuBar } = await startApp();
    clickItem(fake.lastMenu(), 'quit');
    await menuBar.idle();
    assert.equal(fake.app.quitted, true);
    const stopped = log.indexOf('host.stopped');
    assert.ok(log.indexOf('host.stop') >= 0 && stopped > log.indexOf('host.stop'));
    assert.ok(stopped < log.indexOf('app.quitted'), log.join(' > '));
    assert.equal(fake.trays[0]?.destroyed, true);
  });

  test('⌘Q or a logout (Electron’s own quit) is held until the host has stopped', async () => {
    const { fake, log, menuBar } = await startApp();
    fake.app.quit();
    assert.equal(fake.app.quitted, false, 'the first quit waits for the host');
    await menuBar.idle();
    assert.equal(fake.app.quitted, true);
    assert.ok(log.indexOf('host.stopped') < log.indexOf('app.quitted'), log.join(' > '));
    assert.equal(log.filter((call) => call === 'host.stop').length, 1);
  });
});
