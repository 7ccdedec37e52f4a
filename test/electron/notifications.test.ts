import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployResultNotification, notificationFor } from '../../src/main/electron/notifications.js';
import { historyEntry, versionRef, watchStatus } from '../fakes/host.js';

const v1 = versionRef('1.0.0', 'a');
const v2 = { ...versionRef('2.1.0', 'b'), runId: 'run-42' };

describe('notificationFor: release history', () => {
  test('a deploy that succeeded names the version and run', () => {
    const note = notificationFor({ type: 'history', data: historyEntry({ action: 'deploy', slot: 'tobe', from: v1, to: v2 }) }, 'en');
    assert.deepEqual(note, { title: 'TO-BE updated', body: 'Version 2.1.0 (run run-42) is now serving on TO-BE.' });
  });

  test('a deploy that failed names the step and the reason', () => {
    const entry = historyEntry({ action: 'deploy', slot: 'tobe', outcome: 'failed', error: { code: 'GPU_UNREACHABLE', message: 'Cannot reach gpu.example.', step: 'connect' } });
    assert.deepEqual(notificationFor({ type: 'history', data: entry }, 'en'), { title: 'Deploy to TO-BE failed', body: 'At “connecting”: Cannot reach gpu.example.' });
  });

  test('a promote names the new production version and its tag', () => {
    const entry = historyEntry({ action: 'promote', slot: 'asis', trigger: 'cli', from: v1, to: v2, tag: 'v1.1.0' });
    assert.deepEqual(notificationFor({ type: 'history', data: entry }, 'en'), { title: 'Promoted to AS-IS', body: 'Version 2.1.0 (v1.1.0) is now the production model.' });
  });

  test('a rollback names both versions', () => {
    const entry = historyEntry({ action: 'rollback', slot: 'tobe', trigger: 'api', from: v2, to: v1 });
    assert.deepEqual(notificationFor({ type: 'history', data: entry }, 'en'), { title: 'TO-BE rolled back', body: 'Back to version 1.0.0 (was 2.1.0).' });
  });

  test('failed promote and rollback started elsewhere are told', () => {
    const promote = historyEntry({ action: 'promote', slot: 'asis', trigger: 'cli', outcome: 'failed', error: { code: 'PROMOTE_REFUSED', message: 'TO-BE is not ready.' } });
    assert.deepEqual(notificationFor({ type: 'history', data: promote }, 'en'), { title: 'Promote failed', body: 'TO-BE is not ready.' });
    const rollback = historyEntry({ action: 'rollback', slot: 'asis', trigger: 'cli', outcome: 'failed', error: { code: 'INTERNAL', message: 'disk full', step: 'install' } });
    assert.deepEqual(notificationFor({ type: 'history', data: rollback }, 'en'), { title: 'Rollback of AS-IS failed', body: 'At “installing”: disk full' });
  });

  test('a failure of something the app started is left to its error dialog', () => {
    const entry = historyEntry({ action: 'promote', slot: 'asis', trigger: 'app', outcome: 'failed', error: { code: 'PROMOTE_REFUSED', message: 'no' } });
    assert.equal(notificationFor({ type: 'history', data: entry }, 'en'), null);
  });

  test('a no-op is not worth a notification', () => {
    assert.equal(notificationFor({ type: 'history', data: historyEntry({ action: 'deploy', slot: 'tobe', outcome: 'noop' }) }, 'en'), null);
  });

  test('Korean', () => {
    const note = notificationFor({ type: 'history', data: historyEntry({ action: 'promote', slot: 'asis', to: v2, tag: 'v1.1.0' }) }, 'ko');
    assert.deepEqual(note, { title: 'AS-IS로 승격됨', body: '버전 2.1.0 (v1.1.0)이(가) 이제 운영 모델입니다.' });
  });
});

describe('notificationFor: slots and the rest', () => {
  test('a crash says which slot and what happens next', () => {
    const error = { code: 'SLOT_START_FAILED' as const, message: 'The AS-IS slot process exited with code 1; restarting in 0.5 s.' };
    assert.deepEqual(notificationFor({ type: 'slot-state', data: { slot: 'asis', state: 'crashed', error } }, 'en'), { title: 'AS-IS crashed', body: error.message });
    assert.deepEqual(notificationFor({ type: 'slot-state', data: { slot: 'asis', state: 'crashed', error } }, 'ko'), { title: 'AS-IS 비정상 종료', body: error.message });
  });

  test('a slot that cannot start says why', () => {
    const error = { code: 'PORT_IN_USE' as const, message: 'Port 8892 is in use.' };
    assert.deepEqual(notificationFor({ type: 'slot-state', data: { slot: 'tobe', state: 'failed', error } }, 'en'), { title: 'TO-BE could not start', body: error.message });
  });

  test('ordinary state changes, progress and watcher updates pass silently', () => {
    for (const state of ['starting', 'ready', 'stopping', 'stopped'] as const) {
      assert.equal(notificationFor({ type: 'slot-state', data: { slot: 'tobe', state, error: null } }, 'en'), null, state);
    }
    assert.equal(notificationFor({ type: 'progress', data: { operation: 'deploy', slot: 'tobe', step: 'download', percent: 50 } }, 'en'), null);
    assert.equal(notificationFor({ type: 'watch', data: watchStatus() }, 'en'), null);
  });
});

describe('deployResultNotification', () => {
  test('"Deploy now" that finds nothing new says so; a real deploy is told by its history event', () => {
    const run = { id: 'run-7', completedAt: '2026-03-01T11:00:00.000Z' };
    assert.deepEqual(deployResultNotification({ outcome: 'up-to-date', run, entry: null, message: '' }, 'en'), { title: 'TO-BE is up to date', body: 'Run run-7 is already deployed; nothing to do.' });
    assert.equal(deployResultNotification({ outcome: 'deployed', run, entry: null, message: '' }, 'en'), null);
  });
});
