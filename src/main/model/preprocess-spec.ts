import { readFile } from 'node:fs/promises';
import { schemaValidator } from '../schema-validator.js';
import type { ModelInputSpec, ModelOutputSpec } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import { INPUT_SPEC_PROPERTIES } from './manifest-schema.js';

/**
 * The preprocessing a training run declares (`preprocess.json`). Only `width` and `height` are
 * required; the rest defaults to the torchvision ImageNet recipe: NCHW, RGB, ImageNet mean/std,
 * shorter side to width*256/224 then a centre crop, logits out.
 */
export interface PreprocessSpec {
  width: number;
  height: number;
  inputName?: string;
  outputName?: string;
  layout?: ModelInputSpec['layout'];
  colorOrder?: ModelInputSpec['colorOrder'];
  mean?: [number, number, number];
  std?: [number, number, number];
  resize?: ModelInputSpec['resize'];
  output?: ModelOutputSpec['kind'];
}

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

const validatePreprocess = schemaValidator('preprocess', {
  type: 'object',
  required: ['width', 'height'],
  additionalProperties: false,
  properties: {
    ...INPUT_SPEC_PROPERTIES,
    inputName: { type: 'string', minLength: 1 },
    outputName: { type: 'string', minLength: 1 },
    output: { enum: ['logits', 'probabilities'] },
  },
});

/** Validates a parsed preprocess spec and fills in the defaults. */
export function resolvePreprocess(candidate: unknown, subject: string): { input: ModelInputSpec; output: ModelOutputSpec } {
  if (!validatePreprocess(candidate)) {
    const problems = validatePreprocess.errors.map((e) => `${e.instancePath || 'preprocess'} ${e.message ?? 'is invalid'}`);
    throw new LiteCnnError('BUNDLE_MANIFEST_INVALID', `${subject}: invalid preprocessing: ${problems.join('; ')}.`, { subject, httpStatus: 422 });
  }
  const spec = candidate as PreprocessSpec;
  const resize = spec.resize ?? { mode: 'resize-crop', shorterSide: Math.round((Math.max(spec.width, spec.height) * 256) / 224) };
  const input: ModelInputSpec = {
    width: spec.width,
    height: spec.height,
    layout: spec.layout ?? 'NCHW',
    colorOrder: spec.colorOrder ?? 'RGB',
    mean: spec.mean ?? IMAGENET_MEAN,
    std: spec.std ?? IMAGENET_STD,
    resize,
  };
  if (spec.inputName) input.name = spec.inputName;
  const output: ModelOutputSpec = { kind: spec.output ?? 'logits' };
  if (spec.outputName) output.name = spec.outputName;
  return { input, output };
}

/** Reads and resolves a `preprocess.json` file. */
export async function readPreprocessFile(file: string): Promise<{ input: ModelInputSpec; output: ModelOutputSpec }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LiteCnnError('BUNDLE_MANIFEST_INVALID', `${file}: cannot read the preprocessing file (${(error as Error).message}).`, { subject: file });
  }
  return resolvePreprocess(parsed, file);
}
