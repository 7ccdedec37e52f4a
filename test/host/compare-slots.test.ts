import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { test } from 'node:test';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import type { PredictResponse, SlotId, SlotInfo } from '../../src/shared/slot-api.js';
import { compareOnSlots } from '../../src/main/host/compare-slots.js';
import type { SlotEndpoint } from '../../src/main/http/slot-endpoint.js';
import { prepareForModels } from '../../src/main/inference/prepare-for-models.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
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

test('models with different input specs each get their own tensor from one shared decode: exact for a small image, close for a large one', async () => {
  const first = endpoints.asis.input;
  const second: ModelInputSpec = { ...first, width: 160, height: 128, layout: 'NHWC', colorOrder: 'BGR', resize: { mode: 'cover' } };
  const large = await sharp(photo).resize({ width: 3000, height: 2000, fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  for (const [image, tolerance] of [[photo, 0], [large, 0.03]] as const) {
    const tensors = prepareForModels(image, [first, second, first]);
    assert.equal(tensors.size, 2);
    for (const spec of [first, second]) {
      const shared = (await tensors.get(inputSpecKey(spec)))!;
      const direct = await prepareImage(image, spec);
      assert.deepEqual(shared.dims, direct.dims);
      let difference = 0;
      for (let i = 0; i < direct.data.length; i++) difference += Math.abs(shared.data[i]! - direct.data[i]!);
      assert.ok(difference / direct.data.length <= tolerance, `mean difference ${difference / direct.data.length} (tolerance ${tolerance})`);
    }
  }
  const same = prepareForModels(large, [first, first]);
  assert.deepEqual(Array.from((await same.get(inputSpecKey(first)))!.data), Array.from((await prepareImage(large, first)).data), 'one spec: exactly the /predict tensor');
});
