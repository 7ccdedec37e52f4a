import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import { normalise, prepareImage } from '../../src/main/inference/preprocess.js';
import { fixtureImage } from '../helpers/paths.js';


function spec(overrides: Partial<ModelInputSpec>): ModelInputSpec {
  return { width: 4, height: 2, layout: 'NCHW', colorOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: { mode: 'fill' }, ...overrides };
}

/** A lossless PNG from interleaved pixels. */
function png(pixels: number[], width: number, height: number, channels: 1 | 3 | 4): Promise<Buffer> {
  return sharp(Buffer.from(pixels), { raw: { width, height, channels } }).png().toBuffer();
}

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('known pixels give known NCHW tensor values: (pixel / 255 - mean) / std, planar R, G, B', async () => {
  const pixels = [0, 51, 102, 153, 204, 255, 10, 20, 30, 40, 50, 60, 255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128];
  const mean = [0.5, 0.4, 0.3] as [number, number, number];
  const std = [0.5, 0.25, 0.2] as [number, number, number];
  const prepared = await prepareImage(await png(pixels, 4, 2, 3), spec({ mean, std }));
  assert.deepEqual(prepared.dims, [1, 3, 2, 4]);
  const expected: number[] = [];
  for (let c = 0; c < 3; c++) for (let i = 0; i < 8; i++) expected.push((pixels[i * 3 + c]! / 255 - mean[c]!) / std[c]!);
  assertClose(prepared.data, expected);
});

test('resize-crop keeps the centre: shorter side to size, then a centre crop', async () => {
  // 8x4: two red columns, four green, two blue. Shorter side 4 -> unchanged; the centre 4x4 is all green.
  const pixels: number[] = [];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) pixels.push(...(x < 2 ? [255, 0, 0] : x < 6 ? [0, 255, 0] : [0, 0, 255]));
  const prepared = await prepareImage(await png(pixels, 8, 4, 3), spec({ width: 4, height: 4, resize: { mode: 'resize-crop', shorterSide: 4 } }));
  assertClose(prepared.data, [...Array(16).fill(0), ...Array(16).fill(1), ...Array(16).fill(0)]);
});

test('resize-crop from a large photo gives the crop size', async () => {
  const prepared = await prepareImage(await readFile(fixtureImage('mixed-cats-and-dogs.jpg')), spec({ width: 224, height: 224, resize: { mode: 'resize-crop', shorterSide: 256 } }));
  assert.equal(prepared.data.length, 3 * 224 * 224);
});

test('EXIF orientation is applied before resizing', async () => {
  // Stored 8x4 with the left half red and right half blue; orientation 6 means "rotate 90 degrees clockwise to view".
  const pixels: number[] = [];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) pixels.push(...(x < 4 ? [255, 0, 0] : [0, 0, 255]));
  const jpeg = await sharp(Buffer.from(pixels), { raw: { width: 8, height: 4, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
  const prepared = await prepareImage(jpeg, spec({ width: 4, height: 8 }));
  const red = prepared.data.subarray(0, 32);
  assert.ok(red.subarray(0, 8).every((v) => v > 0.8), 'viewed upright, the top is red');
  assert.ok(red.subarray(24, 32).every((v) => v < 0.2), 'and the bottom is blue');
});

test('transparent pixels are flattened onto white', async () => {
  const prepared = await prepareImage(await png([0, 0, 0, 0, 0, 0, 0, 255], 2, 1, 4), spec({ width: 2, height: 1 }));
  assertClose(prepared.data, [1, 0, 1, 0, 1, 0]);
});

test('greyscale images become three equal channels', async () => {
  const prepared = await prepareImage(await png([128, 64], 2, 1, 1), spec({ width: 2, height: 1 }));
  assertClose(prepared.data, [128 / 255, 64 / 255, 128 / 255, 64 / 255, 128 / 255, 64 / 255], 2 / 255);
});

test('normalise honours NHWC layout and BGR order', () => {
  const rgb = Uint8Array.from([255, 0, 51, 0, 255, 102]);
  const out = normalise(rgb, spec({ width: 2, height: 1, layout: 'NHWC', colorOrder: 'BGR' }));
  assertClose(out, [51 / 255, 0, 1, 102 / 255, 1, 0]);
});

test('normalise writes every value into an array of the right length, and makes its own for any other', () => {
  const rgb = Uint8Array.from([255, 0, 51, 0, 255, 102]);
  const shape = spec({ width: 2, height: 1 });
  const into = new Float32Array(6).fill(Number.NaN);
  assert.equal(normalise(rgb, shape, undefined, into), into);
  assertClose(into, [1, 0, 0, 1, 51 / 255, 102 / 255]);
  const tooShort = new Float32Array(3).fill(Number.NaN);
  const own = normalise(rgb, shape, undefined, tooShort);
  assert.notEqual(own, tooShort);
  assertClose(own, [1, 0, 0, 1, 51 / 255, 102 / 255]);
  assert.ok(tooShort.every(Number.isNaN));
});

test('bad images are typed errors, not crashes', async () => {
  const fill = spec({});
  await assert.rejects(prepareImage(Buffer.from('this is plain text, not a picture'), fill), { code: 'NOT_AN_IMAGE' });
  const jpeg = await readFile(fixtureImage('dog-golden-retriever.jpg'));
  await assert.rejects(prepareImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)), fill), { code: 'CORRUPT_IMAGE' });
  await assert.rejects(prepareImage(jpeg, fill, 1000), { code: 'IMAGE_TOO_LARGE', message: /more pixels than this server's limit/ });
});

test('an extreme aspect ratio (65535x1 and 1x65535) is cheap: only the centred square is ever resized', async () => {
  for (const [width, height] of [[65_535, 1], [1, 65_535]] as const) {
    const image = await sharp({ create: { width, height, channels: 3, background: '#808080' } }).png().toBuffer();
    const started = performance.now();
    const prepared = await prepareImage(image, spec({ width: 128, height: 128, resize: { mode: 'resize-crop', shorterSide: 146 } }));
    const elapsed = performance.now() - started;
    assert.deepEqual(prepared.dims, [1, 3, 128, 128]);
    assert.ok(elapsed < 2_000, `${width}x${height} took ${elapsed.toFixed(0)} ms`);
  }
});
