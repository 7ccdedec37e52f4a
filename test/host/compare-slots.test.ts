import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { test } from 'node:test';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import type { PredictResponse, SlotId, SlotInfo } from '../../src/shared/slot-api.js';
import { compareOnSlots } from '../../src/main/host/compare-slots.js';
import type { SlotEndpoint } from '../../src/main/http/slot-endpoint.js';
import { prepareForModels } from '../../src/main/inference/prepare-for-models.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { inputSpecKey } from '../../src/main/model/input-spec-key.js';
import { FIXTURE_IMAGES, fixtureImage } from '../helpers/paths.js';
import { dataDirWithBundles, postMultipart, startTestHost } from '../helpers/running-host.js';
import { liteCnnBundle } from '../helpers/training-runs.js';

const { url } = await startTestHost();
const photo = await readFile(fixtureImage('dog-siberian-husky.jpg'));
const endpoints = Object.fromEntries(await Promise.all((['asis', 'tobe'] as const).map(async (slot) => {
  const base = await url(slot);
  const info = (await (await fetch(`${base}/info`)).json()) as SlotInfo;
  return [slot, { url: base, input: info.model!.input }];
}))) as Record<SlotId, SlotEndpoint & { input: ModelInputSpec }>;

async function predict(slot: SlotId): Promise<PredictResponse> {
  return (await (await fetch(`${endpoints[slot].url}/predict`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } })).json()) as PredictResponse;
}

function assertSameAnswer(actual: PredictResponse | { error: unknown }, expected: PredictResponse): void {
  assert.ok('predictions' in actual, JSON.stringify(actual));
  assert.deepEqual(actual.predictions.map((p) => p.label), expected.predictions.map((p) => p.label));
  for (const [i, p] of actual.predictions.entries()) assert.ok(Math.abs(p.score - expected.predictions[i]!.score) < 1e-6);
  assert.equal(actual.model.sha256, expected.model.sha256);
}

test('models with the same input spec: compare decodes the photo once in the host and both slots answer exactly as their own /predict', async () => {
  const result = await compareOnSlots(photo, endpoints);
  assert.ok(result.prepareMs !== null && result.prepareMs > 0, 'the host prepared the tensor');
  assertSameAnswer(result.asis, await predict('asis'));
  assertSameAnswer(result.tobe, await predict('tobe'));
  assert.equal(result.agree, (result.asis as PredictResponse).predictions[0]!.label === (result.tobe as PredictResponse).predictions[0]!.label);
  for (const side of [result.asis, result.tobe] as PredictResponse[]) assert.ok(side.timing_ms.preprocess < 0.1, `the slot did not decode (${side.timing_ms.preprocess} ms)`);
});

test('a slot whose model changed since the host looked (409) gets the image itself and still answers right', async () => {
  const stale = { ...endpoints.tobe, input: { ...endpoints.tobe.input, width: endpoints.tobe.input.width - 32, height: endpoints.tobe.input.height - 32 } };
  const result = await compareOnSlots(photo, { asis: endpoints.asis, tobe: stale });
  assertSameAnswer(result.tobe, await predict('tobe'));
  assert.ok((result.tobe as PredictResponse).timing_ms.preprocess > 0.1, 'the slot decoded the image this time');
});

test('an image the host cannot decode goes to the slots, whose own errors come back', async () => {
  const result = await compareOnSlots(photo.subarray(0, 300), endpoints);
  assert.equal(result.prepareMs, null);
  assert.equal(result.agree, null);
  for (const side of [result.asis, result.tobe]) assert.equal('error' in side && (side.error as { code: string }).code, 'CORRUPT_IMAGE');
});

function assertWithinRounding(actual: PredictResponse | { error: unknown }, expected: PredictResponse, subject: string): void {
  assert.ok('predictions' in actual, `${subject}: ${JSON.stringify(actual)}`);
  assert.deepEqual(actual.predictions.map((p) => p.label), expected.predictions.map((p) => p.label), subject);
  for (const [i, p] of actual.predictions.entries()) {
    assert.ok(Math.abs(p.score - expected.predictions[i]!.score) <= 1e-4, `${subject}: ${p.label} ${p.score} against /predict's ${expected.predictions[i]!.score}`);
  }
}

test('with models of different input sizes, compare shows what each slot\'s /predict answers, on every fixture photo', async () => {
  // TO-BE serves a 160-pixel LiteCNN, next to AS-IS's 224-pixel MobileNetV2.
  const sized = await startTestHost({}, await dataDirWithBundles({ tobe: liteCnnBundle(5, 160) }));
  const urls = { asis: await sized.url('asis'), tobe: await sized.url('tobe') };
  const inputs = await Promise.all((['asis', 'tobe'] as const).map(async (slot) => ((await (await fetch(`${urls[slot]}/info`)).json()) as SlotInfo).model!.input));
  assert.deepEqual(inputs.map((input) => input.width), [224, 160], 'two input sizes');
  const names = (await readdir(FIXTURE_IMAGES)).sort();
  assert.equal(names.length, 27);
  for (const name of names) {
    const image = await readFile(fixtureImage(name));
    const result = await sized.host.compare(image);
    assert.notEqual(result.prepareMs, null, `${name}: the host prepared the tensors`);
    for (const slot of ['asis', 'tobe'] as const) {
      const own = (await (await postMultipart(urls[slot], image)).json()) as PredictResponse;
      assertWithinRounding(result[slot], own, `${name} on ${slot}`);
    }
  }
});

test('a 12 MP photo and an EXIF-rotated one: each model\'s tensor from the host is exactly its /predict tensor', async () => {
  const small: ModelInputSpec = { ...endpoints.asis.input, width: 128, height: 128, resize: { mode: 'resize-crop', shorterSide: 146 } };
  const large: ModelInputSpec = { ...small, width: 160, height: 160, layout: 'NHWC', colorOrder: 'BGR', resize: { mode: 'resize-crop', shorterSide: 183 } };
  const wide: ModelInputSpec = { ...small, width: 160, height: 96, resize: { mode: 'cover' } };
  const photo12mp = await sharp(photo).resize({ width: 4000, height: 3000, fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  const rotated = await sharp(photo).resize({ width: 1000, height: 300, fit: 'fill' }).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
  for (const image of [photo, photo12mp, rotated]) {
    const tensors = prepareForModels(image, [small, large, wide, small]);
    assert.equal(tensors.size, 3, 'one tensor per distinct spec');
    for (const spec of [small, large, wide]) {
      assert.deepEqual((await tensors.get(inputSpecKey(spec)))!.data, (await prepareImage(image, spec)).data);
    }
  }
});
