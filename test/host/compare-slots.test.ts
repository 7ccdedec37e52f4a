import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { test } from 'node:test';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import type { PredictResponse, SlotId, SlotInfo } from '../../src/shared/slot-api.js';
import { compareOnSlots } from '../../src/main/host/compare-slots.js';
import type { SlotEndpoint } from '../../src/main/http/slot-endpoint.js';
import { prepareForModels } from '../../src/main/inference/prepare-for-models.js';
import { decodePixels, prepareImage, type DecodedPixels } from '../../src/main/inference/preprocess.js';
import { inputSpecKey } from '../../src/main/model/input-spec-key.js';
import { fixtureImage } from '../helpers/paths.js';
import { startTestHost } from '../helpers/running-host.js';

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

test('compare decodes the photo once in the host and both slots answer exactly as their own /predict', async () => {
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

function sizeOf({ width, height }: DecodedPixels): { width: number; height: number } {
  return { width, height };
}

/** Mean absolute difference between the shared decode's tensor for `spec` and the one /predict makes. */
async function sharedDecodeDifference(image: Uint8Array, specs: ModelInputSpec[], spec: ModelInputSpec): Promise<number> {
  const shared = (await prepareForModels(image, specs).get(inputSpecKey(spec)))!;
  const direct = await prepareImage(image, spec);
  assert.deepEqual(shared.dims, direct.dims);
  let difference = 0;
  for (let i = 0; i < direct.data.length; i++) difference += Math.abs(shared.data[i]! - direct.data[i]!);
  return difference / direct.data.length;
}

test('models with different input specs each get their own tensor from one shared decode: exact for a small image, and for the model that sets a large image\'s decode size', async () => {
  const small: ModelInputSpec = { ...endpoints.asis.input, width: 128, height: 128, resize: { mode: 'resize-crop', shorterSide: 146 } };
  // A larger crop that also lays the tensor out differently (NHWC, BGR).
  const large: ModelInputSpec = { ...small, width: 160, height: 160, layout: 'NHWC', colorOrder: 'BGR', resize: { mode: 'resize-crop', shorterSide: 183 } };
  const wide: ModelInputSpec = { ...small, width: 160, height: 96, resize: { mode: 'cover' } };
  const photo12mp = await sharp(photo).resize({ width: 4000, height: 3000, fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  const tensors = prepareForModels(photo12mp, [small, large, small]);
  assert.equal(tensors.size, 2, 'one tensor per distinct spec');
  await Promise.all(tensors.values());

  // The husky photo (at most twice the size the models need) is decoded whole.
  for (const spec of [small, large]) assert.equal(await sharedDecodeDifference(photo, [small, large], spec), 0);
  // A 12 MP photo is decoded just large enough for the larger model, whose tensor is then exact; the smaller one is resized once more.
  assert.equal(await sharedDecodeDifference(photo12mp, [small, large], large), 0);
  const resizedTwice = await sharedDecodeDifference(photo12mp, [small, large], small);
  assert.ok(resizedTwice > 0 && resizedTwice <= 0.03, `mean difference ${resizedTwice}`);
  // The small model's crop sets the scale here (the wide one needs only more width): its tensor is exact, the wide one's close.
  assert.equal(await sharedDecodeDifference(photo12mp, [small, wide], small), 0);
  const wideResizedTwice = await sharedDecodeDifference(photo12mp, [small, wide], wide);
  assert.ok(wideResizedTwice > 0 && wideResizedTwice <= 0.03, `mean difference ${wideResizedTwice}`);
  assert.deepEqual(sizeOf(await decodePixels(photo12mp, 160, 146)), { width: 195, height: 146 }, 'just covering the box');
  // Whether an image is small enough to decode whole is judged after its EXIF rotation: stored 1000x300, it stands 300x1000.
  const rotated = await sharp(photo).resize({ width: 1000, height: 300, fit: 'fill' }).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
  assert.deepEqual(sizeOf(await decodePixels(rotated, 160, 146)), { width: 300, height: 1000 });
  // sharp resizes an EXIF-rotated image before turning it, /predict included: close, not exact.
  for (const spec of [small, wide]) assert.ok(await sharedDecodeDifference(rotated, [small, wide], spec) <= 0.03);

  const same = prepareForModels(photo12mp, [small, small]);
  assert.deepEqual(Array.from((await same.get(inputSpecKey(small)))!.data), Array.from((await prepareImage(photo12mp, small)).data), 'one spec: exactly the /predict tensor');
});
