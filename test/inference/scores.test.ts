import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmax, topK } from '../../src/main/inference/scores.js';

test('softmax gives probabilities that sum to 1, stable for large logits', () => {
  const p = softmax([1000, 1001, 1002]);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(p.every(Number.isFinite));
  assert.ok(Math.abs(p[2]! - Math.exp(2) / (1 + Math.exp(1) + Math.exp(2))) < 1e-12);
});

test('topK is best first, ties by lower index, clamped to the length', () => {
  assert.deepEqual(topK([0.1, 0.5, 0.5, 0.2], 3), [1, 2, 3]);
  assert.deepEqual(topK([0.3, 0.7], 5), [1, 0]);
  assert.deepEqual(topK([0.3, 0.7], 0), []);
});
