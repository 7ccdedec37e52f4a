import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISAGREEMENTS_KEPT } from '../../src/shared/eval-api.js';
import type { Prediction } from '../../src/shared/slot-api.js';
import { EvalTally } from '../../src/main/eval/eval-tally.js';
import { LatencyHistogram } from '../../src/main/eval/latency-histogram.js';

const model = { name: 'm', version: '1', sha256: 'a'.repeat(64) };
const prediction = (label: string): Prediction => ({ label, breed_en: label, breed_ko: label, score: 0.9 });

test('histogram quantiles are within 5% of the exact ones, over four orders of magnitude', () => {
  const histogram = new LatencyHistogram();
  const samples: number[] = [];
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 48271) % 2147483647;
    const ms = 0.5 * 10 ** ((seed / 2147483647) * 4);
    samples.push(ms);
    histogram.add(ms);
  }
  samples.sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.99]) {
    const exact = samples[Math.ceil(q * samples.length) - 1]!;
    const approx = histogram.quantile(q)!;
    assert.ok(approx >= exact && approx <= exact * 1.05, `q${q}: ${approx} vs ${exact}`);
  }
  const summary = histogram.summary();
  assert.equal(summary.count, 20_000);
  assert.equal(summary.buckets.reduce((sum, b) => sum + b.count, 0), 20_000);
  assert.equal(summary.maxMs, Math.round(samples.at(-1)! * 1000) / 1000);
  assert.equal(new LatencyHistogram().quantile(0.5), null);
});

test('a tally keeps only the first disagreements but counts them all, so its size does not grow with the set', () => {
  const tally = new EvalTally({ asis: { model }, tobe: { model } });
  for (let i = 0; i < 5_000; i++) {
    const asis = { predictions: [prediction('a')], ms: 2 };
    const tobe = { predictions: [prediction(i % 2 ? 'a' : 'b')], ms: 3 };
    tally.add({ file: `${i}.jpg`, trueClass: 'a', asis, tobe, agree: i % 2 === 1, decodeMs: 1 });
  }
  const summary = tally.summary({ id: 'x', setDir: '/x', setName: 'x', state: 'done', error: null, startedAt: '', finishedAt: '', setFingerprint: 'f' });
  assert.equal(summary.disagreementsTotal, 2_500);
  assert.equal(summary.disagreements.length, DISAGREEMENTS_KEPT);
  assert.equal(summary.agreement.rate, 0.5);
  assert.equal(summary.asis.top1Accuracy, 1);
  assert.equal(summary.tobe.top1Accuracy, 0.5);
  assert.deepEqual(summary.classes, [{ name: 'a', images: 5_000, asisTop1Correct: 5_000, tobeTop1Correct: 2_500 }]);
  const disagreement = { file: 'y', trueClass: null, asis: { predictions: [prediction('a')], ms: 1 }, tobe: { predictions: [prediction('b')], ms: 1 }, agree: false, decodeMs: 1 };
  assert.equal(tally.keepsDisagreement(disagreement), false, 'the summary has kept all it keeps');
  const fresh = new EvalTally({ asis: { model }, tobe: { model } });
  assert.equal(fresh.keepsDisagreement(disagreement), true);
  assert.equal(fresh.keepsDisagreement({ ...disagreement, agree: true }), false);
});
