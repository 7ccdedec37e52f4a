import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classifier } from '../../src/main/inference/classify.js';
import { ServedModel } from '../../src/main/slot/served-model.js';

/** A classifier stand-in that records release; ServedModel only needs identity and release(). */
function trackedClassifier(name: string, released: string[]): Classifier {
  return { release: async () => void released.push(name) } as unknown as Classifier;
}

test('a swap serves new requests with the new model and frees the old one only after its last request', async () => {
  const released: string[] = [];
  const served = new ServedModel();
  const v1 = trackedClassifier('v1', released);
  const v2 = trackedClassifier('v2', released);
  await served.swap(v1);
  let finishInFlight!: () => void;
  const inFlight = served.withSession((model) => new Promise<Classifier>((resolve) => (finishInFlight = () => resolve(model))));
  await served.swap(v2);
  assert.equal(served.current, v2);
  assert.deepEqual(released, [], 'v1 still has a request running');
  assert.equal(await served.withSession(async (model) => model), v2);
  finishInFlight();
  assert.equal(await inFlight, v1, 'the in-flight request finished on v1');
  assert.deepEqual(released, ['v1']);
  await served.swap(null);
  assert.deepEqual(released, ['v1', 'v2']);
  assert.equal(await served.withSession(async () => 'ran'), null);
});

test("the last request on a swapped-out model is answered without waiting for that model's thread to end", async () => {
  const served = new ServedModel();
  let releaseStarted = false;
  const slowToEnd = { release: () => ((releaseStarted = true), new Promise<void>(() => undefined)) } as unknown as Classifier;
  await served.swap(slowToEnd);
  let finishInFlight!: () => void;
  const inFlight = served.withSession(() => new Promise<string>((resolve) => (finishInFlight = () => resolve('answered'))));
  await served.swap(trackedClassifier('v2', []));
  finishInFlight();
  assert.equal(await inFlight, 'answered');
  assert.equal(releaseStarted, true, 'its release has begun');
});
