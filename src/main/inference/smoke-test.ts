import sharp from 'sharp';
import { LiteCnnError } from '../errors.js';
import type { Classifier } from './classify.js';

let smokeImage: Promise<Buffer> | undefined;

/** A small colourful test picture, made once: a model must give sane scores for it. */
function smokeTestImage(): Promise<Buffer> {
  const size = 96;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = (y * size + x) * 3;
      pixels[p] = (x * 255) / size;
      pixels[p + 1] = (y * 255) / size;
      pixels[p + 2] = ((x + y) * 127) / size;
    }
  }
  smokeImage ??= sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).jpeg().toBuffer();
  return smokeImage;
}

/** Runs a real image through the model: every score finite, in 0..1, summing to ~1. */
export async function smokeTest(model: Classifier, subject: string): Promise<void> {
  const scores = await model.scoresFor(await model.prepare(await smokeTestImage()));
  const sum = scores.reduce((total, score) => total + score, 0);
  const sane = scores.every((score) => Number.isFinite(score) && score >= 0 && score <= 1) && Math.abs(sum - 1) < 1e-3;
  if (!sane) {
    throw new LiteCnnError('MODEL_LOAD_FAILED', `${subject}: the smoke test gave scores that are not probabilities (sum ${sum.toFixed(4)}). If the model already ends in softmax, set its output kind to "probabilities"; otherwise "logits".`, { subject, httpStatus: 422 });
  }
}
