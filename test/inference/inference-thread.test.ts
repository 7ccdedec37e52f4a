import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { InferenceThread } from '../../src/main/inference/inference-thread.js';
import { WorkerModel } from '../../src/main/inference/worker-model.js';
import { REPO_ROOT } from '../helpers/paths.js';

const BUNDLE = join(REPO_ROOT, 'weights', 'model_8891.bin');

/** A thread started now: thread ids grow, so a thread started before it has a smaller one. */
async function threadIdNow(): Promise<number> {
  const marker = new Worker('', { eval: true });
  const id = marker.threadId;
  await marker.terminate();
  return id;
}

test('the next thread to load a model is the one started ahead (prespawn); the one after it is new', async () => {
  InferenceThread.prespawn();
  const between = await threadIdNow();
  const first = InferenceThread.spawn();
  const second = InferenceThread.spawn();
  assert.ok(first.worker.threadId < between, `the prespawned thread (${first.worker.threadId} < ${between})`);
  assert.ok(second.worker.threadId > between, `a new thread (${second.worker.threadId} > ${between})`);
  await Promise.all([first.end(), second.end()]);
});

test('a model loads into the prespawned thread and serves from it', async () => {
  InferenceThread.prespawn();
  const model = await WorkerModel.start({ file: BUNDLE }, BUNDLE);
  try {
    assert.equal(model.manifest.name, 'mobilenetv2-pets');
    assert.deepEqual((await model.scoresFor({ data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] })).length, model.manifest.labels.length);
  } finally {
    await model.release();
  }
});
