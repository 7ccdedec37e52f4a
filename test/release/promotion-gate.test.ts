import assert from 'node:assert/strict';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvalSummary } from '../../src/shared/eval-api.js';
import type { GateVerdict } from '../../src/shared/release-api.js';
import { checkDeployMinimum, judgePromotion } from '../../src/main/eval/promotion-gate.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { runCli } from '../helpers/cli.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { fixtureImage } from '../helpers/paths.js';
import { dataDirWithBundles, startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { bundledRun, liteCnnBundle, liteCnnRun, publishRun } from '../helpers/training-runs.js';

const PHOTOS = ['dog-golden-retriever.jpg', 'dog-siberian-husky.jpg', 'cat-persian.jpg', 'cat-grey-tabby.jpg', 'dog-labrador-puppy-street.jpg', 'other-bald-eagle.jpg'];

async function unlabelledSet(): Promise<string> {
  const dir = await tempDir('litecnn-gateset-');
  for (const photo of PHOTOS) await symlink(fixtureImage(photo), join(dir, photo));
  return dir;
}

function summary(overrides: { labelled?: number; asisTop1?: number | null; tobeTop1?: number | null; agreement?: number | null; asisP99?: number; tobeP99?: number; asisFailed?: number; tobeFailed?: number }): EvalSummary {
  const latency = (p99: number) => ({ count: 10, meanMs: p99 / 2, p50Ms: p99 / 2, p90Ms: p99, p99Ms: p99, maxMs: p99, buckets: [] });
  const model = (version: string) => ({ name: 'm', version, sha256: version.repeat(64).slice(0, 64) });
  const stats = (slot: 'asis' | 'tobe', top1: number | null, p99: number, failed: number) => ({ slot, model: model(slot === 'asis' ? 'a' : 'b'), bundleSha256: null, answered: 10, failed, top1Correct: 0, top5Correct: 0, top1Accuracy: top1, top5Accuracy: top1, latency: latency(p99) });
  return {
    id: 'e', setDir: '/set', setName: 'set', state: 'done', error: null, startedAt: '', finishedAt: 'now', images: 10, labelled: overrides.labelled ?? 10, unreadable: 0,
    asis: stats('asis', overrides.asisTop1 ?? 0.8, overrides.asisP99 ?? 10, overrides.asisFailed ?? 0),
    tobe: stats('tobe', overrides.tobeTop1 ?? 0.8, overrides.tobeP99 ?? 10, overrides.tobeFailed ?? 0),
    agreement: { compared: 10, agreed: 9, rate: overrides.agreement ?? 0.9 }, classes: [], disagreements: [], disagreementsTotal: 1, decodeP50Ms: 1, unknownClasses: [], setFingerprint: 'f',
  };
}

const limits = { promotionGateMaxDrop: 0.02, promotionGateMaxLatencyFactor: 1.5 };
const failing = (verdict: GateVerdict): string[] => verdict.checks.filter((c) => !c.passed).map((c) => c.name);

test('the gate judges top-1 accuracy on a labelled set, agreement on an unlabelled one, p99 latency and failures', () => {
  assert.deepEqual(failing(judgePromotion(summary({ asisTop1: 0.8, tobeTop1: 0.79 }), limits)), [], 'within the allowed drop');
  assert.deepEqual(failing(judgePromotion(summary({ asisTop1: 0.8, tobeTop1: 0.77 }), limits)), ['accuracy']);
  assert.deepEqual(failing(judgePromotion(summary({ tobeP99: 15 }), limits)), []);
  assert.deepEqual(failing(judgePromotion(summary({ tobeP99: 15.1 }), limits)), ['latency']);
  assert.deepEqual(failing(judgePromotion(summary({ tobeFailed: 1 }), limits)), ['failures']);
  const unlabelled = judgePromotion(summary({ labelled: 0, asisTop1: null, tobeTop1: null, agreement: 0.97 }), limits);
  assert.deepEqual(unlabelled.checks.map((c) => c.name), ['agreement', 'latency', 'failures']);
  assert.deepEqual(failing(unlabelled), ['agreement'], 'an unlabelled set needs 98% agreement');
  assert.equal(judgePromotion(summary({ labelled: 0, asisTop1: null, tobeTop1: null, agreement: 0.98 }), limits).passed, true);
});

test('the deploy gate needs the minimum top-1 accuracy on a labelled set, the minimum agreement on an unlabelled one, and a finished evaluation', () => {
  const refusal = (run: () => void): string | null => {
    try {
      run();
      return null;
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'DEPLOY_GATE_FAILED');
      return (error as Error).message;
    }
  };
  assert.equal(refusal(() => checkDeployMinimum(summary({ tobeTop1: 0.7 }), 0.7)), null);
  assert.match(refusal(() => checkDeployMinimum(summary({ tobeTop1: 0.69 }), 0.7)) ?? '', /top-1 accuracy on \/set is 69\.0%, below deployGateMinimum 70\.0%/);
  assert.equal(refusal(() => checkDeployMinimum(summary({ labelled: 0, tobeTop1: null, agreement: 0.9 }), 0.9)), null);
  assert.match(refusal(() => checkDeployMinimum({ ...summary({ labelled: 0, tobeTop1: null }), agreement: { compared: 0, agreed: 0, rate: null } }, 0.5)) ?? '', /agreement with AS-IS on \/set is unknown/);
  assert.match(refusal(() => checkDeployMinimum({ ...summary({}), state: 'cancelled', error: null }, 0.5)) ?? '', /did not finish \(cancelled\)/);
});

test('a failing gate blocks promote; forced with a reason it promotes, and the verdict and reason go into the history', async () => {
  const set = await unlabelledSet();
  // TO-BE serves a seeded LiteCNN (37 Oxford breeds), which cannot agree with AS-IS on most of the set.
  const { host, dataDir } = await startTestHost({ promotionGateSet: set, promotionGateMaxDrop: 0, promotionGateMaxLatencyFactor: 1000 }, await dataDirWithBundles({ tobe: liteCnnBundle(21) }));
  const asisBefore = await readFile(slotBundleFile(dataDir, 'asis'));
  const verdict = (await host.promotionGate())!;
  const evaluation = await host.evaluations.get(verdict.evaluationId);
  assert.equal(evaluation.setDir, set);
  assert.equal(verdict.tobe.sha256, evaluation.tobe.model.sha256);
  assert.equal(verdict.passed, evaluation.agreement.rate === 1, 'no drop allowed: only full agreement passes');
  assert.equal(verdict.passed, false, 'AS-IS and a seeded LiteCNN disagree on these photos');

  await assert.rejects(host.promote({ trigger: 'cli' }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'PROMOTION_GATE_FAILED');
    assert.match(error.message, /agreement: TO-BE \d/);
    assert.match(error.message, /--force --reason/);
    return true;
  });
  assert.deepEqual(await readFile(slotBundleFile(dataDir, 'asis')), asisBefore, 'AS-IS untouched');
  await assert.rejects(host.promote({ trigger: 'cli', force: true, reason: '   ' }), /needs a reason/);

  const check = await runCli(dataDir, ['promote', '--check']);
  assert.equal(check.code, 1);
  assert.match(check.stdout, /FAILED/);
  assert.match(check.stdout, /agreement/);

  const evaluationsBefore = (await host.evaluations.list()).length;
  const entry = await host.promote({ trigger: 'cli', force: true, reason: 'launch needs the new breeds; agreement checked by hand' });
  assert.equal(entry.outcome, 'success');
  assert.equal(entry.gate?.forced, true);
  assert.equal(entry.gate?.forcedReason, 'launch needs the new breeds; agreement checked by hand');
  assert.equal(entry.gate?.evaluationId, verdict.evaluationId, 'the stored evaluation of these two models was reused');
  assert.equal((await host.evaluations.list()).length, evaluationsBefore);
  const history = await host.history();
  assert.equal(history[0]!.gate?.forcedReason, entry.gate?.forcedReason);

  const again = (await host.promotionGate())!;
  assert.notEqual(again.evaluationId, verdict.evaluationId, 'after the promote the models differ: a new evaluation');
  await symlink(fixtureImage('cat-calico-with-bottle.jpg'), join(set, 'added.jpg'));
  const changedSet = (await host.promotionGate())!;
  assert.notEqual(changedSet.evaluationId, again.evaluationId, 'a set with another file is evaluated again');
  assert.equal((await host.promotionGate())!.evaluationId, changedSet.evaluationId, 'and the same set and models reuse it');
  const after = (await host.promotionGate())!;
  assert.equal(after.passed, true, 'AS-IS now serves what TO-BE serves: they agree on every image');
  assert.notEqual(after.evaluationId, verdict.evaluationId, 'new models, new evaluation');
});

test('a passing gate promotes with its verdict in the history; a gate that cannot judge can be forced past with a reason', async () => {
  const set = await unlabelledSet();
  const { host } = await startTestHost({ promotionGateSet: set, promotionGateMaxDrop: 1, promotionGateMaxLatencyFactor: 1000 });
  const entry = await host.promote({ trigger: 'cli' });
  assert.equal(entry.outcome, 'success');
  assert.equal(entry.gate?.passed, true);
  assert.equal(entry.gate?.forced, false);
  assert.equal(entry.gate?.forcedReason, undefined);
  await host.rollback({ slot: 'asis', trigger: 'cli' });

  host.updateSettings({ promotionGateSet: join(set, 'gone') });
  await assert.rejects(host.promote({ trigger: 'cli' }), (error: Error & { code?: string }) => error.code === 'EVAL_SET_INVALID');
  const forced = await host.promote({ trigger: 'cli', force: true, reason: 'gate set being rebuilt' });
  assert.equal(forced.outcome, 'success');
  assert.match(forced.reason ?? '', /could not judge .*gate set being rebuilt/);
});

test('without a gate set, promote is not gated and --check says so', async () => {
  const { dataDir } = await startTestHost();
  const check = await runCli(dataDir, ['promote', '--check']);
  assert.equal(check.code, 0);
  assert.match(check.stdout, /No promotion gate is set/);
});

test('the deploy gate: an automatic deploy whose candidate falls below the minimum on the set leaves TO-BE as it is', async () => {
  const sshd = await startTestSshd();
  const set = await unlabelledSet();
  const { host, dataDir } = await startTestHost({ ...gpuSettings(sshd), promotionGateSet: set, deployGateMinimum: 1 });
  const tobeBefore = await readFile(slotBundleFile(dataDir, 'tobe'));
  await publishRun(sshd.runsDir, 'run-other', liteCnnRun(4242));
  const outcome = await host.deploy({ trigger: 'watcher' }).then(() => null, (error: Error & { code?: string; step?: string }) => error);
  const candidateEval = (await host.evaluations.list())[0]!;
  assert.equal(candidateEval.asis.model.sha256, (await host.slots.asis.status()).model!.sha256);
  assert.notEqual(candidateEval.tobe.model.sha256, (await host.slots.tobe.status()).model!.sha256, 'the candidate was evaluated, not TO-BE');
  assert.equal(outcome !== null, candidateEval.agreement.rate! < 1, 'refused exactly when it falls below the minimum');
  assert.ok(outcome, 'a model of another seed does not agree on every photo');
  assert.equal(outcome.code, 'DEPLOY_GATE_FAILED');
  assert.equal(outcome.step, 'gate');
  assert.deepEqual(await readFile(slotBundleFile(dataDir, 'tobe')), tobeBefore);
  const [entry] = await host.history();
  assert.equal(entry!.outcome, 'failed');
  assert.equal(entry!.error?.step, 'gate');
  assert.equal((await host.slots.tobe.status()).state, 'ready');

  await publishRun(sshd.runsDir, 'run-same-as-asis', await bundledRun('model_8891.bin'));
  const deployed = await host.deploy({ trigger: 'watcher' });
  assert.equal(deployed.outcome, 'deployed', 'a candidate that agrees with AS-IS on every image passes');
  assert.equal((await host.slots.tobe.status()).model!.sha256, (await host.slots.asis.status()).model!.sha256);
});
