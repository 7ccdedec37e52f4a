import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { ModelSession } from '../../src/main/inference/model-session.js';
import { decodeBundle, encodeBundle, sha256Hex } from '../../src/main/model/bundle-format.js';
import { readLabelsFile } from '../../src/main/model/labels-file.js';
import { packModel } from '../../src/main/model/pack.js';
import { resolvePreprocess } from '../../src/main/model/preprocess-spec.js';
import { FIXTURE_EXPECTED, FIXTURE_MODEL, FIXTURE_SYNSET, fixtureImage } from '../helpers/paths.js';
import { packFixtureModel } from '../helpers/fixture-bundle.js';

const DOG_CLASSES = { first: 151, last: 268 };
const CAT_CLASSES = { first: 281, last: 285 };
// int8 kernels differ between CPUs (with and without AVX-512 VNNI): top-1 is asserted only where it
// led by this much when the expected file was made, and scores within this much of its figures
// (an AVX-512 VNNI EPYC gives Newfoundland 0.83 where the file says 0.62; wrong preprocessing gives 0.03-0.10).
const CLEAR_MARGIN = 0.15;
const SCORE_TOLERANCE = 0.25;

interface ExpectedTop5 {
  top5: Array<{ index: number; label: string; prob: number }>;
  top1StableAcrossResizeModes: boolean;
}

test('the real pretrained model, packed with its preprocessing, classifies real photos as expected', async () => {
  const { bundle } = await packFixtureModel();
  const session = await ModelSession.load(bundle, 'fixture');
  const expected = JSON.parse(await readFile(FIXTURE_EXPECTED, 'utf8')) as Record<string, ExpectedTop5>;
  const indexOf = new Map(bundle.manifest.labels.map((label, index) => [label.id, index]));
  let clearPhotos = 0;
  try {
    for (const [image, want] of Object.entries(expected)) {
      const { predictions } = await session.classify(await readFile(fixtureImage(image)), 5);
      const got = predictions.map((p) => indexOf.get(p.label)!);
      const [first, second] = want.top5;
      if (want.top1StableAcrossResizeModes && first!.prob - second!.prob >= CLEAR_MARGIN) {
        clearPhotos++;
        assert.equal(got[0], first!.index, `${image}: top-1`);
        assert.ok(Math.abs(predictions[0]!.score - first!.prob) <= SCORE_TOLERANCE, `${image}: top-1 score ${predictions[0]!.score}, expected ${first!.prob}`);
      }
      if (image.startsWith('dog-') && first!.index >= DOG_CLASSES.first && first!.index <= DOG_CLASSES.last) {
        assert.ok(got.some((i) => i >= DOG_CLASSES.first && i <= DOG_CLASSES.last), `${image}: a dog class in the top 5`);
      }
      assert.ok(predictions.every((p, i) => i === 0 || p.score <= predictions[i - 1]!.score), 'best first');
      assert.ok(predictions.every((p) => p.score >= 0 && p.score <= 1));
    }
    assert.equal(clearPhotos, 20, 'photos whose top-1 leads clearly');
    const persian = await session.classify(await readFile(fixtureImage('cat-persian.jpg')), 1);
    const persianIndex = indexOf.get(persian.predictions[0]!.label)!;
    assert.ok(persianIndex >= CAT_CLASSES.first && persianIndex <= CAT_CLASSES.last, 'a domestic cat class');
    const greyscale = await session.classify(await readFile(fixtureImage('other-cameraman-grayscale.png')), 1);
    assert.equal(greyscale.predictions[0]!.breed_en, 'tripod');
  } finally {
    await session.release();
  }
});

test('timings are recorded for every classification', async () => {
  const { bundle } = await packFixtureModel();
  const session = await ModelSession.load(bundle, 'fixture');
  const { timing } = await session.classify(await readFile(fixtureImage('dog-siberian-husky.jpg')), 5);
  await session.release();
  assert.ok(timing.preprocess > 0 && timing.inference > 0);
  assert.ok(timing.total >= timing.preprocess + timing.inference - 0.01);
});

async function fixtureRequest() {
  return {
    onnx: await readFile(FIXTURE_MODEL),
    labels: await readLabelsFile(FIXTURE_SYNSET),
    ...resolvePreprocess({ width: 224, height: 224 }, 'p'),
    name: 'm',
    version: '1',
    source: { kind: 'import' as const },
  };
}

test('ONNX bytes that do not load are refused at pack time', async () => {
  const request = await fixtureRequest();
  await assert.rejects(packModel({ ...request, onnx: Buffer.from('not a protobuf model at all') }, 'broken.onnx'), { code: 'MODEL_LOAD_FAILED', message: /broken\.onnx/ });
});

test('an output size that differs from the label count is refused', async () => {
  const request = await fixtureRequest();
  await assert.rejects(packModel({ ...request, labels: request.labels.slice(0, 37) }, 'm.onnx'), { code: 'MODEL_OUTPUT_MISMATCH', message: /1000 classes but there are 37 labels/ });
});

test('an input shape that disagrees with the manifest is refused', async () => {
  const request = await fixtureRequest();
  await assert.rejects(packModel({ ...request, ...resolvePreprocess({ width: 160, height: 160 }, 'p') }, 'm.onnx'), { code: 'MODEL_INPUT_MISMATCH', message: /\[batch_size, 3, 224, 224\].*160x160/ });
  await assert.rejects(packModel({ ...request, ...resolvePreprocess({ width: 224, height: 224, layout: 'NHWC' }, 'p') }, 'm.onnx'), { code: 'MODEL_INPUT_MISMATCH' });
});

test('a bundle whose manifest names a tensor the model lacks is refused at load', async () => {
  const request = await fixtureRequest();
  const manifest = {
    name: 'm', version: '1', created: 'now', source: { kind: 'import' as const },
    input: { ...request.input, name: 'pixels' }, output: request.output, labels: request.labels,
    onnx: { sha256: sha256Hex(request.onnx), bytes: request.onnx.length },
  };
  await assert.rejects(ModelSession.load(decodeBundle(encodeBundle(manifest, request.onnx), 'b.bin'), 'b.bin'), { code: 'MODEL_INPUT_MISMATCH', message: /"pixels"/ });
});
