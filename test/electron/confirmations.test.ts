import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmed, nothingToRollBackNotice, promoteConfirmation, rollbackConfirmation, rollbackTarget } from '../../src/main/electron/confirmations.js';
import { failureDialog } from '../../src/main/electron/failure-dialog.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { historyEntry, slotStatus, versionRef } from '../fakes/host.js';

const asis = slotStatus('asis', 'ready');
const tobe = slotStatus('tobe', 'ready');

describe('promoteConfirmation', () => {
  test('shows both versions: TO-BE’s model replaces AS-IS’s', () => {
    const box = promoteConfirmation({ asis, tobe }, 'en');
    assert.equal(box.type, 'question');
    assert.equal(box.message, 'Make TO-BE’s model the production (AS-IS) model?');
    const detail = String(box.detail);
    assert.match(detail, /TO-BE: mobilenetv2-pets 1\.1\.0-exp\.1 \(sha256 bbbbbbbbbbbb…\)\nreplaces\nAS-IS: mobilenetv2-pets 1\.0\.0 \(sha256 aaaaaaaaaaaa…\)/);
  });

  test('Cancel is the default: Return must not change production', () => {
    const box = promoteConfirmation({ asis, tobe }, 'en');
    assert.deepEqual(box.buttons, ['Promote', 'Cancel']);
    assert.equal(box.defaultId, 1);
    assert.equal(box.cancelId, 1);
    assert.equal(confirmed({ response: 0 }), true);
    assert.equal(confirmed({ response: 1 }), false);
  });

  test('Korean', () => {
    const box = promoteConfirmation({ asis, tobe }, 'ko');
    assert.deepEqual(box.buttons, ['승격', '취소']);
    assert.equal(box.message, 'TO-BE의 모델을 운영(AS-IS) 모델로 만들까요?');
  });

  test('a slot without a model says so', () => {
    assert.match(String(promoteConfirmation({ asis: slotStatus('asis', 'stopped'), tobe }, 'en').detail), /AS-IS: no model/);
  });
});

describe('rollbackConfirmation', () => {
  test('shows the model TO-BE serves and the one it gets back', () => {
    const box = rollbackConfirmation(tobe, versionRef('1.5.0', 'c'), 'en');
    assert.equal(box.message, 'Put TO-BE back to its previous model?');
    assert.match(String(box.detail), /TO-BE: mobilenetv2-pets 1\.1\.0-exp\.1 \(sha256 bbbbbbbbbbbb…\)\n→ 1\.5\.0 \(sha256 cccccccccccc…\)/);
    assert.deepEqual(box.buttons, ['Roll Back', 'Cancel']);
    assert.equal(box.defaultId, 1);
  });

  test('nothing to roll back to is a notice, not a question', () => {
    const box = nothingToRollBackNotice('en');
    assert.equal(box.type, 'info');
    assert.deepEqual(box.buttons, ['OK']);
  });
});

describe('rollbackTarget', () => {
  const v1 = versionRef('1.0.0', 'a');
  const v2 = versionRef('2.0.0', 'b');
  const v3 = versionRef('3.0.0', 'c');
  const model = (ref: typeof v1) => ({ name: 'mobilenetv2-pets', version: ref.version, sha256: ref.sha256 });
  // The host lists history newest first.
  const history = [
    historyEntry({ action: 'deploy', slot: 'tobe', from: v2, to: v3 }),
    historyEntry({ action: 'promote', slot: 'asis', from: v1, to: v2 }),
    historyEntry({ action: 'deploy', slot: 'tobe', from: v1, to: v2 }),
  ];

  test('the version before the one TO-BE serves', () => {
    assert.deepEqual(rollbackTarget(history, 'tobe', model(v3)), v2);
  });

  test('twice goes two back', () => {
    const afterOne = [historyEntry({ action: 'rollback', slot: 'tobe', from: v3, to: v2 }), ...history];
    assert.deepEqual(rollbackTarget(afterOne, 'tobe', model(v2)), v1);
  });

  test('after a manual install, back to the last released version', () => {
    assert.deepEqual(rollbackTarget(history, 'tobe', { name: 'hand-made', version: '9.9.9', sha256: 'd'.repeat(64) }), v3);
  });

  test('nothing when the slot has no history', () => {
    assert.equal(rollbackTarget([], 'tobe', model(v1)), undefined);
    assert.equal(rollbackTarget(history.filter((e) => e.slot === 'asis'), 'tobe', model(v1)), undefined);
  });

  test('failed and no-op entries do not count', () => {
    const failed = [historyEntry({ action: 'deploy', slot: 'tobe', outcome: 'failed', from: v3, to: versionRef('4.0.0', 'e') }), ...history];
    assert.deepEqual(rollbackTarget(failed, 'tobe', model(v3)), v2);
  });
});

describe('failureDialog', () => {
  test('says what could not be done, then the host’s message', () => {
    const box = failureDialog('promote', new LiteCnnError('PROMOTE_REFUSED', 'TO-BE is not ready; check `litecnn status`.'), 'en');
    assert.equal(box.type, 'error');
    assert.equal(box.message, 'Could not promote TO-BE');
    assert.equal(box.detail, 'TO-BE is not ready; check `litecnn status`.');
    assert.equal(failureDialog('launch', new Error('x'), 'ko').message, 'LiteCNN Dual을 시작할 수 없습니다');
  });
});
