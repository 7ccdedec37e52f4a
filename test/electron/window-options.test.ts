import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebContents } from 'electron';
import { dashboardWindowOptions, hardenWebContents } from '../../src/main/electron/window-options.js';
import { FakeWebContents } from '../fakes/electron.js';

describe('dashboardWindowOptions', () => {
  test('the page runs sandboxed, isolated, without Node, with web security on', () => {
    const { webPreferences } = dashboardWindowOptions();
    assert.equal(webPreferences?.contextIsolation, true);
    assert.equal(webPreferences?.sandbox, true);
    assert.equal(webPreferences?.nodeIntegration, false);
    assert.equal(webPreferences?.nodeIntegrationInWorker, false);
    assert.equal(webPreferences?.nodeIntegrationInSubFrames, false);
    assert.equal(webPreferences?.webSecurity, true);
    assert.equal(webPreferences?.allowRunningInsecureContent, false);
    assert.equal(webPreferences?.webviewTag, false);
    assert.equal(webPreferences?.preload, undefined, 'the page reaches the host over HTTP and needs no preload');
  });

  test('hidden until ready to show; works at 800x600', () => {
    const options = dashboardWindowOptions();
    assert.equal(options.show, false);
    assert.equal(options.minWidth, 800);
    assert.equal(options.minHeight, 600);
    assert.ok((options.width ?? 0) >= 800 && (options.height ?? 0) >= 600);
  });

  test('the background matches the system appearance, so the first frame does not flash', () => {
    assert.notEqual(dashboardWindowOptions({ dark: true }).backgroundColor, dashboardWindowOptions({ dark: false }).backgroundColor);
  });
});

describe('hardenWebContents', () => {
  const harden = (): FakeWebContents => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents, 'http://127.0.0.1:8890');
    return contents;
  };

  test('window.open is denied', () => {
    const contents = harden();
    assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
    assert.deepEqual(contents.windowOpenHandler?.({ url: 'http://127.0.0.1:8890/#preferences' }), { action: 'deny' });
  });

  test('navigation away from the dashboard origin is blocked, within it allowed', () => {
    const contents = harden();
    assert.equal(contents.navigate('https://example.com/'), true);
    assert.equal(contents.navigate('http://127.0.0.1:8891/'), true, 'another port is another origin');
    assert.equal(contents.navigate('http://localhost:8890/'), true, 'another host name is another origin');
    assert.equal(contents.navigate('file:///etc/passwd'), true);
    assert.equal(contents.navigate('not a url'), true);
    assert.equal(contents.navigate('http://127.0.0.1:8890/?reload'), false);
  });

  test('every permission request and check is denied', () => {
    const contents = harden();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      contents.session.permissionRequestHandler?.(contents, permission, (answer) => { granted = answer; }, {});
      assert.equal(granted, false, permission);
      assert.equal(contents.session.permissionCheckHandler?.(contents, permission, 'http://127.0.0.1:8890', {}), false, permission);
    }
  });
});
