import { schemaValidator } from '../schema-validator.js';
import type { ModelManifest } from '../../shared/model-manifest.js';

const channelTriple = { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 } as const;

/** JSON-schema properties of the model input, shared by the manifest and preprocess.json. */
export const INPUT_SPEC_PROPERTIES = {
  width: { type: 'integer', minimum: 1, maximum: 4096 },
  height: { type: 'integer', minimum: 1, maximum: 4096 },
  layout: { enum: ['NCHW', 'NHWC'] },
  colorOrder: { enum: ['RGB', 'BGR'] },
  mean: channelTriple,
  std: { ...channelTriple, items: { type: 'number', exclusiveMinimum: 0 } },
  resize: {
    type: 'object',
    required: ['mode'],
    additionalProperties: false,
    properties: {
      mode: { enum: ['resize-crop', 'cover', 'fill'] },
      shorterSide: { type: 'integer', minimum: 1, maximum: 8192 },
    },
  },
} as const;

const manifestSchema = {
  type: 'object',
  required: ['name', 'version', 'created', 'source', 'input', 'output', 'labels', 'onnx'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    version: { type: 'string', minLength: 1, maxLength: 100 },
    created: { type: 'string', minLength: 1 },
    source: {
      type: 'object',
      required: ['kind'],
      properties: {
        kind: { enum: ['generated', 'training-run', 'import'] },
        runId: { type: 'string' },
        note: { type: 'string' },
        license: { type: 'string' },
      },
    },
    input: {
      type: 'object',
      required: ['width', 'height', 'layout', 'colorOrder', 'mean', 'std', 'resize'],
      properties: { name: { type: 'string', minLength: 1 }, ...INPUT_SPEC_PROPERTIES },
    },
    output: {
      type: 'object',
      required: ['kind'],
      properties: {
        name: { type: 'string', minLength: 1 },
        kind: { enum: ['logits', 'probabilities'] },
      },
    },
    labels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'en', 'ko'],
        properties: {
          id: { type: 'string', minLength: 1 },
          en: { type: 'string', minLength: 1 },
          ko: { type: 'string', minLength: 1 },
        },
      },
    },
    onnx: {
      type: 'object',
      required: ['sha256', 'bytes'],
      properties: {
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        bytes: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

const validateManifest = schemaValidator('manifest', manifestSchema);

/** Checks a parsed manifest; returns the problems as readable lines, empty when it is valid. */
export function manifestProblems(candidate: unknown): string[] {
  if (validateManifest(candidate)) return crossFieldProblems(candidate as ModelManifest);
  return validateManifest.errors.map((e) => `manifest${e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}`);
}

function crossFieldProblems(manifest: ModelManifest): string[] {
  const problems: string[] = [];
  const { resize, width, height } = manifest.input;
  if (resize.mode === 'resize-crop' && resize.shorterSide !== undefined && resize.shorterSide < Math.max(width, height)) {
    problems.push(`manifest.input.resize.shorterSide (${resize.shorterSide}) must be at least the crop size (${Math.max(width, height)})`);
  }
  const seen = new Set<string>();
  for (const label of manifest.labels) {
    if (seen.has(label.id)) problems.push(`manifest.labels has the id "${label.id}" twice`);
    seen.add(label.id);
  }
  return problems;
}
