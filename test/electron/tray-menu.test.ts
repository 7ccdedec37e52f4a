import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { buildTrayMenu, trayTitle, trayTooltip, type TrayActions, type TrayState } from '../../src/main/electron/tray-menu.js';
import { clickItem, menuItem } from '../fakes/electron.js';
import { slotStatus, watchStatus } from '../fakes/host.js';

// Clock times in labels are local; pin the zone so "next check" reads the same everywhere.
process.env.TZ = 'UTC';

function state(overrides: Partial<TrayState> = {}): TrayState {
  return {
    slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'ready')],
    watch: watchStatus(),
    progress: null,
    launchAtLogin: false,
    language: 'en',
    ...overrides,
  };
}

function recordingActions(): { actions: TrayActions; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, ...args]);
  };
  const actions: TrayActions = {
    slot: record('slot'), openDashboard: record('openDashboard'), deployNow: record('deployNow'), promote: record('promote'),
    rollbackTobe: record('rollbackTobe'), setAutoDeploy: record('setAutoDeploy'), openLogsFolder: record('openLogsFolder'),
    openPreferences: record('openPreferences'), setLaunchAtLogin: record('setLaunchAtLogin'), quit: record('quit'),
  };
  return { actions, calls };
}

const menuFor = (s: TrayState): MenuItemConstructorOptions[] => buildTrayMenu(s, recordingActions().actions);
const enabled = (menu: MenuItemConstructorOptions[], id: string): boolean => menuItem(menu, id).enabled !== false;

describe('buildTrayMenu', () => {
  test('both slots ready: each slot line shows state, port and model, and everything useful is enabled', () => {
    const menu = menuFor(state());
    const asis = menuItem(menu, 'slot-line:asis');
    assert.equal(asis.label, 'AS-IS  ● ready · :8891 · mobilenetv2-pets 1.0.0');
    assert.equal(asis.enabled, false);
    assert.equal(menuItem(menu, 'slot-line:tobe').label, 'TO-BE  ● ready · :8892 · mobilenetv2-pets 1.1.0-exp.1');
    for (const slot of ['asis', 'tobe', 'all']) {
      assert.equal(enabled(menu, `slot:${slot}:start`), false, `${slot} start`);
      assert.equal(enabled(menu, `slot:${slot}:stop`), true, `${slot} stop`);
      assert.equal(enabled(menu, `slot:${slot}:restart`), true, `${slot} restart`);
    }
    assert.equal(menuItem(menu, 'deploy').label, 'Deploy to TO-BE Now');
    assert.ok(enabled(menu, 'deploy'));
    assert.ok(enabled(menu, 'promote'));
    assert.ok(enabled(menu, 'rollback-tobe'));
    assert.equal(menuItem(menu, 'promote').label, 'Promote TO-BE → AS-IS…');
    const autoDeploy = menuItem(menu, 'auto-deploy');
    assert.equal(autoDeploy.type, 'checkbox');
    assert.equal(autoDeploy.checked, true);
    assert.equal(autoDeploy.label, 'Auto-deploy (next check 14:30)');
    const login = menuItem(menu, 'launch-at-login');
    assert.equal(login.type, 'checkbox');
    assert.equal(login.checked, false, 'launch at login is opt-in');
    assert.equal(menuItem(menu, 'open-dashboard').label, 'Open Dashboard…');
    assert.equal(menuItem(menu, 'preferences').label, 'Preferences…');
    assert.equal(menuItem(menu, 'open-logs').label, 'Open Logs Folder');
    assert.equal(menuItem(menu, 'quit').accelerator, 'CommandOrControl+Q');
    assert.equal(menu.at(-1)?.id, 'quit');
  });

  test('TO-BE stopped: it can only be started, and there is nothing to promote', () => {
    const menu = menuFor(state({ slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'stopped')] }));
    assert.equal(menuItem(menu, 'slot-line:tobe').label, 'TO-BE  ○ stopped · :8892 · no model');
    assert.equal(enabled(menu, 'slot:tobe:start'), true);
    assert.equal(enabled(menu, 'slot:tobe:stop'), false);
    assert.equal(enabled(menu, 'slot:tobe:restart'), false);
    assert.equal(enabled(menu, 'slot:asis:start'), false);
    assert.equal(enabled(menu, 'slot:all:start'), true, 'one of the two can start');
    assert.equal(enabled(menu, 'slot:all:stop'), true, 'one of the two can stop');
    assert.equal(enabled(menu, 'promote'), false);
    assert.equal(enabled(menu, 'rollback-tobe'), true);
  });

  test('a deploy in progress: Deploy is disabled and shows the step and percent; promote and rollback wait', () => {
    const menu = menuFor(state({ progress: { operation: 'deploy', slot: 'tobe', step: 'download', bytes: 424, total: 1000, percent: 42.4 } }));
    const deploy = menuItem(menu, 'deploy');
    assert.equal(deploy.enabled, false);
    assert.equal(deploy.label, 'Deploying to TO-BE: downloading 42%');
    assert.equal(enabled(menu, 'promote'), false);
    assert.equal(enabled(menu, 'rollback-tobe'), false);
  });

  test('a rollback in progress names its slot and step', () => {
    const menu = menuFor(state({ progress: { operation: 'rollback', slot: 'tobe', step: 'swap' } }));
    assert.equal(menuItem(menu, 'deploy').label, 'Rolling back TO-BE: swapping');
  });

  test('the watcher checking the GPU server disables Deploy', () => {
    const menu = menuFor(state({ watch: watchStatus({ checking: true }) }));
    assert.equal(menuItem(menu, 'deploy').label, 'Checking the GPU server…');
    assert.equal(enabled(menu, 'deploy'), false);
  });

  test('no GPU server configured: Deploy says where to set it up, auto-deploy says it is not set up', () => {
    const menu = menuFor(state({ watch: watchStatus({ configured: false, nextCheckAt: null }) }));
    assert.equal(enabled(menu, 'deploy'), false);
    assert.match(String(menuItem(menu, 'deploy').label), /Preferences/);
    assert.equal(menuItem(menu, 'auto-deploy').label, 'Auto-deploy (GPU server not set up)');
  });

  test('a failed slot shows its error code, its message as tooltip, and can be started or restarted', () => {
    const error = { code: 'PORT_IN_USE' as const, message: 'Port 8892 is already in use. Find the holder with `lsof -i :8892`.' };
    const menu = menuFor(state({ slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'failed', { error })] }));
    const line = menuItem(menu, 'slot-line:tobe');
    assert.equal(line.label, 'TO-BE  ✕ failed · :8892 · no model · PORT_IN_USE');
    assert.equal(line.toolTip, error.message);
    assert.equal(enabled(menu, 'slot:tobe:start'), true);
    assert.equal(enabled(menu, 'slot:tobe:restart'), true);
    assert.equal(enabled(menu, 'slot:tobe:stop'), false);
  });

  test('before the host has started, the slot lines say so and nothing acts on the host', () => {
    const menu = menuFor(state({ slots: [], watch: null }));
    assert.equal(menuItem(menu, 'slot-line:asis').label, 'AS-IS  ◌ starting…');
    for (const id of ['slot:asis', 'slot:tobe', 'slot:all', 'deploy', 'promote', 'rollback-tobe', 'auto-deploy']) {
      assert.equal(enabled(menu, id), false, id);
    }
    assert.ok(enabled(menu, 'quit'));
  });

  test('Korean labels', () => {
    const menu = menuFor(state({ language: 'ko', slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'stopped')], launchAtLogin: true }));
    assert.equal(menuItem(menu, 'slot-line:asis').label, 'AS-IS  ● 준비됨 · :8891 · mobilenetv2-pets 1.0.0');
    assert.equal(menuItem(menu, 'slot-line:tobe').label, 'TO-BE  ○ 중지됨 · :8892 · 모델 없음');
    assert.equal(menuItem(menu, 'slot:tobe:start').label, '시작');
    assert.equal(menuItem(menu, 'slot:all').label, '두 슬롯 모두');
    assert.equal(menuItem(menu, 'open-dashboard').label, '대시보드 열기…');
    assert.equal(menuItem(menu, 'deploy').label, '지금 TO-BE에 배포');
    assert.equal(menuItem(menu, 'promote').label, 'TO-BE → AS-IS 승격…');
    assert.equal(menuItem(menu, 'rollback-tobe').label, 'TO-BE 롤백…');
    assert.equal(menuItem(menu, 'auto-deploy').label, '자동 배포 (다음 확인 14:30)');
    assert.equal(menuItem(menu, 'launch-at-login').label, '로그인 시 실행');
    assert.equal(menuItem(menu, 'launch-at-login').checked, true);
    assert.equal(menuItem(menu, 'quit').label, 'LiteCNN Dual 종료');
    const progress = menuFor(state({ language: 'ko', progress: { operation: 'deploy', slot: 'tobe', step: 'verify' } }));
    assert.equal(menuItem(progress, 'deploy').label, 'TO-BE에 배포 중: 검증');
  });

  test('items call their actions: slot controls with target and action, checkboxes with the new value', () => {
    const { actions, calls } = recordingActions();
    const menu = buildTrayMenu(state({ launchAtLogin: false }), actions);
    clickItem(menu, 'slot:tobe:stop');
    clickItem(menu, 'slot:all:restart');
    clickItem(menu, 'auto-deploy');
    clickItem(menu, 'launch-at-login');
    clickItem(menu, 'promote');
    clickItem(menu, 'rollback-tobe');
    clickItem(menu, 'deploy');
    clickItem(menu, 'preferences');
    clickItem(menu, 'open-dashboard');
    clickItem(menu, 'open-logs');
    clickItem(menu, 'quit');
    assert.deepEqual(calls, [
      ['slot', 'tobe', 'stop'], ['slot', 'all', 'restart'], ['setAutoDeploy', false], ['setLaunchAtLogin', true],
      ['promote'], ['rollbackTobe'], ['deployNow'], ['openPreferences'], ['openDashboard'], ['openLogsFolder'], ['quit'],
    ]);
  });
});

describe('trayTitle and trayTooltip', () => {
  test('one mark per slot, AS-IS first', () => {
    assert.equal(trayTitle(state()), '● ●');
    assert.equal(trayTitle(state({ slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'stopped')] })), '● ○');
    assert.equal(trayTitle(state({ slots: [slotStatus('asis', 'starting'), slotStatus('tobe', 'crashed')] })), '◐ ✕');
    assert.equal(trayTitle(state({ slots: [] })), '◌ ◌');
  });

  test('a running download adds its percent', () => {
    assert.equal(trayTitle(state({ progress: { operation: 'deploy', slot: 'tobe', step: 'download', percent: 7.6 } })), '● ● 8%');
  });

  test('the tooltip names both states in words', () => {
    assert.equal(trayTooltip(state({ slots: [slotStatus('asis', 'ready'), slotStatus('tobe', 'failed')] })), 'LiteCNN Dual: AS-IS ready, TO-BE failed');
    assert.equal(trayTooltip(state({ language: 'ko' })), 'LiteCNN Dual: AS-IS 준비됨, TO-BE 준비됨');
  });
});
