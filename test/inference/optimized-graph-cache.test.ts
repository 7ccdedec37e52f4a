import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelSession } from '../../src/main/inference/model-session.js';
import { OptimizedGraphCache } from '../../src/main/inference/optimized-graph-cache.js';
import { readBundleFile } from '../../src/main/model/bundle-file.js';
import { REPO_ROOT, fixtureImage } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const bundleFile = join(REPO_ROOT, 'weights', 'model_8892.bin');

test('the first load optimises and caches the graph; later loads use the cache and answer the same', async () => {
  const cache = new OptimizedGraphCache(await tempDir());
  const bundle = await readBundleFile(bundleFile);
  const image = await readFile(fixtureImage('cat-grey-tabby.jpg'));
  const plain = await ModelSession.load(bundle, 'plain');
  const first = await ModelSession.load(bundle, 'first', { graphCache: cache });
  const cached = await readdir(cache.dir);
  assert.equal(cached.length, 1, 'one optimised graph written');
  assert.match(cached[0]!, /^[0-9a-f]{64}-[0-9a-f]{12}\.onnx$/);
  assert.ok(cached[0]!.startsWith(`${createHash('sha256').update(bundle.onnx).digest('hex')}-`), 'named by the ONNX bytes\' sha256');
  const second = await ModelSession.load(bundle, 'second', { graphCache: cache });
  try {
    const expected = (await plain.classify(image, 37)).predictions;
    for (const session of [first, second]) {
      const got = (await session.classify(image, 37)).predictions;
      assert.deepEqual(got.map((p) => p.label), expected.map((p) => p.label));
      got.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i]!.score) < 1e-5));
    }
  } finally {
    await Promise.all([plain.release(), first.release(), second.release()]);
  }
});

test('a damaged cached graph is dropped and rebuilt, never served', async () => {
  const cache = new OptimizedGraphCache(await tempDir());
  const bundle = await readBundleFile(bundleFile);
  await (await ModelSession.load(bundle, 'first', { graphCache: cache })).release();
  const [name] = await readdir(cache.dir);
  await writeFile(join(cache.dir, name!), 'not a model any more');
  const session = await ModelSession.load(bundle, 'again', { graphCache: cache });
  await session.release();
  assert.ok((await readFile(join(cache.dir, name!))).length > 1000, 'the graph was optimised and cached again');
});

test('a cache that cannot be written (here: cache is a file, not a folder) costs only the caching: the model still loads and answers the same', async () => {
  const dataDir = await tempDir();
  await writeFile(join(dataDir, 'cache'), 'not a folder');
  const bundle = await readBundleFile(bundleFile);
  const image = await readFile(fixtureImage('cat-grey-tabby.jpg'));
  const plain = await ModelSession.load(bundle, 'plain');
  const uncached = await ModelSession.load(bundle, 'uncached', { graphCache: new OptimizedGraphCache(dataDir) });
  try {
    assert.deepEqual((await uncached.classify(image, 5)).predictions, (await plain.classify(image, 5)).predictions);
  } finally {
    await Promise.all([plain.release(), uncached.release()]);
  }
});
