import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelSession } from '../../src/main/inference/model-session.js';
import { WorkerModel } from '../../src/main/inference/worker-model.js';
import { readBundleFile } from '../../src/main/model/bundle-file.js';
import { REPO_ROOT, fixtureImage } from '../helpers/paths.js';
import { packFixtureModel } from '../helpers/fixture-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { heldThreadCount } from '../helpers/process-threads.js';
import { eventually } from '../helpers/running-host.js';

const asisFile = join(REPO_ROOT, 'weights', 'model_8891.bin');

test('a model in a worker thread answers exactly as the same model in this thread', async () => {
  const image = await readFile(fixtureImage('dog-golden-retriever.jpg'));
  const local = await ModelSession.load(await readBundleFile(asisFile), asisFile);
  const remote = await WorkerModel.start({ file: asisFile }, asisFile);
  try {
    const [a, b] = [await local.classify(image, 37), await remote.classify(image, 37)];
    assert.deepEqual(b.predictions, a.predictions);
    assert.deepEqual(remote.manifest, local.manifest);
  } finally {
    await Promise.all([local.release(), remote.release()]);
  }
});

test('images written into the tensors the worker hands back answer as in this thread, one at a time and several at once', async () => {
  const images = await Promise.all(['dog-golden-retriever.jpg', 'cat-persian.jpg', 'other-polar-bear.jpg'].map((name) => readFile(fixtureImage(name))));
  const local = await ModelSession.load(await readBundleFile(asisFile), asisFile);
  const remote = await WorkerModel.start({ file: asisFile }, asisFile);
  try {
    const expected = await Promise.all(images.map(async (image) => (await local.classify(image, 5)).predictions));
    const order = [0, 1, 2, 1, 0, 2, 0];
    for (const i of order) assert.deepEqual((await remote.classify(images[i]!, 5)).predictions, expected[i]);
    const together = await Promise.all(order.map((i) => remote.classify(images[i]!, 5)));
    together.forEach((answer, n) => assert.deepEqual(answer.predictions, expected[order[n]!]));
  } finally {
    await Promise.all([local.release(), remote.release()]);
  }
});

test('this thread keeps running while the worker infers', async () => {
  const { bytes } = await packFixtureModel();
  const model = await WorkerModel.start({ bytes: new Uint8Array(bytes) }, 'fixture');
  const image = await readFile(fixtureImage('other-polar-bear.jpg'));
  try {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => model.classify(image, 1)));
    const elapsed = Date.now() - started;
    clearInterval(timer);
    assert.ok(answers.every((a) => a.predictions[0]!.breed_en === 'ice bear'));
    assert.ok(ticks >= elapsed / 10, `the timer fired ${ticks} times in ${elapsed} ms`);
  } finally {
    await model.release();
  }
});

test('a worker that cannot load its bundle fails with the bundle error; a released one refuses work', async () => {
  const dir = await tempDir();
  const broken = join(dir, 'broken.bin');
  await writeFile(broken, (await readFile(asisFile)).subarray(0, 5000));
  await assert.rejects(WorkerModel.start({ file: broken }, broken), { code: 'BUNDLE_TRUNCATED', message: /broken\.bin/ });
  const model = await WorkerModel.start({ file: asisFile }, asisFile);
  await model.release();
  await assert.rejects(model.classify(await readFile(fixtureImage('cat-persian.jpg')), 1), { code: 'NOT_READY' });
});


test('a released model ends its thread, and so does a failed load: no idle inference thread is kept (Linux: /proc)', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const dir = await tempDir();
  const broken = join(dir, 'broken.bin');
  await writeFile(broken, (await readFile(asisFile)).subarray(0, 5000));
  const before = await heldThreadCount(process.pid);
  const model = await WorkerModel.start({ file: asisFile }, asisFile);
  const serving = await heldThreadCount(process.pid);
  assert.ok(serving > before, `a loaded model runs in a thread of its own (${before} -> ${serving})`);
  await model.release();
  await assert.rejects(WorkerModel.start({ file: broken }, broken), { code: 'BUNDLE_TRUNCATED' });
  await eventually(async () => assert.equal(await heldThreadCount(process.pid), before));
});
