import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import { DEFAULT_MAX_INPUT_PIXELS } from './input-limits.js';
import { inputDims, inputLength, resizeCropSide, type PreparedImage } from './input-tensor.js';

/**
 * Turns encoded image bytes into the tensor the manifest describes: EXIF orientation applied,
 * alpha flattened onto white, sRGB, resized per the manifest, normalised in one pass.
 * JPEG and WebP are shrunk while decoding when the target is much smaller (libvips shrink-on-load).
 * `into`, when its length fits, receives the tensor instead of a new array.
 */
export async function prepareImage(image: Uint8Array, spec: ModelInputSpec, maxInputPixels = DEFAULT_MAX_INPUT_PIXELS, into?: Float32Array): Promise<PreparedImage> {
  const { width, height } = spec;
  const shorterSide = resizeCropSide(spec);
  // resize-crop: the centred shorterSide square (libvips crops it), whose centre normalise() takes.
  // Resizing the whole image first would let a 65535x1 picture grow to millions of pixels wide.
  const pipeline = spec.resize.mode === 'resize-crop'
    ? decoder(image, maxInputPixels).resize({ width: shorterSide, height: shorterSide, fit: 'cover', position: 'centre' })
    : decoder(image, maxInputPixels).resize({ width, height, fit: spec.resize.mode });
  const { data, info } = await rawPixels(pipeline, maxInputPixels);
  // The centre crop of `resize-crop` is read straight out of the resized pixels by normalise().
  const crop = {
    stride: info.width,
    left: Math.floor((info.width - width) / 2),
    top: Math.floor((info.height - height) / 2),
  };
  return {
    data: normalise(data, spec, crop, into),
    dims: inputDims(spec),
  };
}

/** The shared start of every pipeline: orientation, alpha on white, sRGB. */
function decoder(image: Uint8Array, maxInputPixels: number): Sharp {
  return encoded(image, maxInputPixels).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
}

/** Encoded image bytes; limitInputPixels is checked against the header, before any pixel is decoded. */
function encoded(image: Uint8Array, maxInputPixels: number): Sharp {
  return sharp(image, { limitInputPixels: maxInputPixels, failOn: 'error' });
}

async function rawPixels(pipeline: Sharp, maxInputPixels: number): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageError(error, maxInputPixels);
  }
}

/** sharp's failure, as the error the client gets. */
function imageError(error: unknown, maxInputPixels: number): LiteCnnError {
  const message = (error as Error).message ?? String(error);
  if (/unsupported image format/i.test(message)) {
    return new LiteCnnError('NOT_AN_IMAGE', `The upload is not an image this server can read (${message}). Send a JPEG, PNG, WebP, GIF, AVIF or TIFF file.`, { httpStatus: 400, cause: error });
  }
  if (/pixel limit/i.test(message)) {
    return new LiteCnnError('IMAGE_TOO_LARGE', `The image has more pixels than this server's limit of ${Math.round(maxInputPixels / 1e6)} MP (${message}). Send a smaller image.`, { httpStatus: 413, cause: error });
  }
  return new LiteCnnError('CORRUPT_IMAGE', `The image could not be decoded (${message}). The file may be truncated or damaged; send a complete JPEG, PNG, WebP, GIF, AVIF or TIFF file.`, { httpStatus: 400, cause: error });
}

/** Where the model's input window sits in the resized pixels (a centre crop, or the whole image). */
export interface CropWindow { stride: number; left: number; top: number }

/**
 * Interleaved RGB bytes -> float tensor in the manifest's layout and colour order, cropping and
 * normalising in one pass: x = (pixel / 255 - mean) / std. Every value of the result is written,
 * so `into` (used when its length fits) needs no clearing.
 */
export function normalise(rgb: Uint8Array, spec: ModelInputSpec, crop: CropWindow = { stride: spec.width, left: 0, top: 0 }, into?: Float32Array): Float32Array {
  const { width, height } = spec;
  const plane = width * height;
  const length = inputLength(spec);
  const out = into?.length === length ? into : new Float32Array(length);
  const source = spec.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = [0, 1, 2].map((c) => 1 / (255 * spec.std[c]!)) as [number, number, number];
  const offset = [0, 1, 2].map((c) => -spec.mean[c]! / spec.std[c]!) as [number, number, number];
  const [c0, c1, c2] = source as [number, number, number];
  const planar = spec.layout === 'NCHW';
  for (let y = 0; y < height; y++) {
    let p = ((crop.top + y) * crop.stride + crop.left) * 3;
    for (let x = 0, i = y * width; x < width; x++, i++, p += 3) {
      const v0 = rgb[p + c0]! * scale[0] + offset[0];
      const v1 = rgb[p + c1]! * scale[1] + offset[1];
      const v2 = rgb[p + c2]! * scale[2] + offset[2];
      if (planar) {
        out[i] = v0;
        out[plane + i] = v1;
        out[2 * plane + i] = v2;
      } else {
        out[3 * i] = v0;
        out[3 * i + 1] = v1;
        out[3 * i + 2] = v2;
      }
    }
  }
  return out;
}
