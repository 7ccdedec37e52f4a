import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import { FIXTURE_IMAGES, fixtureImage } from '../helpers/paths.js';

/**
 * docs/model-bundles.md's "Preprocessing, to the pixel", written again from the page alone: sharp
 * calls, the crop window taken with extract() from the resized pixels, the normalisation and layout
 * in plain loops.
 */
async function tensorFromTheDocs(bytes: Uint8Array, spec: ModelInputSpec): Promise<Float32Array> {
  const { width: W, height: H } = spec;
  const decoded = sharp(bytes, { failOn: 'error' }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
  let image: Sharp;
  if (spec.resize.mode === 'resize-crop') {
    const S = spec.resize.shorterSide ?? Math.max(W, H);
    // The window comes out of the S x S pixels, in a second pipeline (the page says why).
    const square = await decoded.resize({ width: S, height: S, fit: 'cover', position: 'centre' }).removeAlpha().raw().toBuffer();
    image = sharp(square, { raw: { width: S, height: S, channels: 3 } }).extract({ left: Math.floor((S - W) / 2), top: Math.floor((S - H) / 2), width: W, height: H });
  } else {
    image = decoded.resize({ width: W, height: H, fit: spec.resize.mode, position: 'centre' }).removeAlpha();
  }
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [W, H, 3]);
  const order = spec.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const tensor = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const p = data[(y * W + x) * 3 + order[c]!]!;
        const value = p * (1 / (255 * spec.std[c]!)) + (-spec.mean[c]! / spec.std[c]!);
        tensor[spec.layout === 'NCHW' ? c * W * H + y * W + x : (y * W + x) * 3 + c] = value;
      }
    }
  }
  return tensor;
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
const SPECS: Record<string, ModelInputSpec> = {
  'the bundled models (224, shorter side 256)': { width: 224, height: 224, layout: 'NCHW', colorOrder: 'RGB', mean: [...IMAGENET.mean], std: [...IMAGENET.std], resize: { mode: 'resize-crop', shorterSide: 256 } },
  'an odd margin (shorter side 183, 160 wide and 151 high), BGR, NHWC': { width: 160, height: 151, layout: 'NHWC', colorOrder: 'BGR', mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229], resize: { mode: 'resize-crop', shorterSide: 183 } },
  'cover, 160 x 96': { width: 160, height: 96, layout: 'NCHW', colorOrder: 'RGB', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: { mode: 'cover' } },
  'fill, 96 x 128': { width: 96, height: 128, layout: 'NCHW', colorOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: { mode: 'fill' } },
};

const photos = (await readdir(FIXTURE_IMAGES)).sort();
const first = await readFile(fixtureImage(photos[0]!));
/** What the fixtures lack: an EXIF rotation and an alpha channel. */
const made = {
  'EXIF orientation 6': await sharp(first).resize({ width: 400, height: 240, fit: 'fill' }).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer(),
  'a PNG with a transparent left half': await transparentLeftHalf(first),
};

async function transparentLeftHalf(image: Uint8Array): Promise<Buffer> {
  const side = 300;
  const rgba = await sharp(image).resize({ width: side, height: side }).ensureAlpha().raw().toBuffer();
  for (let y = 0; y < side; y++) for (let x = 0; x < side / 2; x++) rgba[(y * side + x) * 4 + 3] = 0;
  return sharp(rgba, { raw: { width: side, height: side, channels: 4 } }).png().toBuffer();
}

for (const [name, spec] of Object.entries(SPECS)) {
  test(`the documented preprocessing gives /predict's tensors bit for bit: ${name}, on all ${photos.length} fixture photos and two made ones`, async () => {
    const images: [string, Uint8Array][] = [...await Promise.all(photos.map(async (photo) => [photo, await readFile(fixtureImage(photo))] as [string, Uint8Array])), ...Object.entries(made)];
    assert.equal(photos.length, 27);
    for (const [photo, bytes] of images) {
      const served = (await prepareImage(bytes, spec)).data;
      const documented = await tensorFromTheDocs(bytes, spec);
      const differing = served.findIndex((value, i) => value !== documented[i]);
      assert.equal(differing, -1, `${photo}: first difference at ${differing} (${served[differing]} against ${documented[differing]})`);
    }
  });
}
