import type { ModelManifest } from '../../shared/model-manifest.js';
import { describeModel, type OnnxSignature } from '../model/model-description.js';

/** The labels file `config.pbtxt` names for the output (Triton's classification extension reads it). */
export const TRITON_LABELS_FILE = 'labels.txt';

/** A protobuf enum value, written bare (`TYPE_FP32`) where a string would be quoted. */
export class PbtxtEnum {
  readonly name: string;

  constructor(name: string) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`Not a protobuf enum value name: ${name}`);
    this.name = name;
  }

  /** In `--json` output an enum value is its name. */
  toJSON(): string {
    return this.name;
  }
}

/** A field value of a protobuf text-format message. */
export type PbtxtValue = string | number | boolean | PbtxtEnum | PbtxtMessage | readonly number[] | readonly PbtxtMessage[];

/** A protobuf text-format message: field name to value; undefined fields are left out. */
export type PbtxtMessage = { readonly [field: string]: PbtxtValue | undefined };

/** One `input` or `output` entry of Triton's ModelConfig (field names as in model_config.proto). */
export type TritonTensorConfig = {
  name: string;
  data_type: PbtxtEnum;
  format?: PbtxtEnum;
  dims: number[];
  label_filename?: string;
};

/** The part of Triton's ModelConfig an exported LiteCNN model needs. */
export type TritonModelConfig = {
  name: string;
  platform: 'onnxruntime_onnx';
  max_batch_size: number;
  input: TritonTensorConfig[];
  output: TritonTensorConfig[];
};

/**
 * Triton's model configuration for a slot's ONNX model, from the same description the slot
 * serves (describeModel): a model that batches gets `max_batch_size` and dims without the batch
 * dimension; one that takes one image gets `max_batch_size` 0 and the full dims, and no `format`,
 * because Triton allows FORMAT_NCHW/NHWC only on exactly three dims.
 */
export function buildTritonConfig(modelName: string, manifest: ModelManifest, signature: OnnxSignature): TritonModelConfig {
  const { inputs: [input], outputs: [output], parameters } = describeModel(manifest, signature);
  const batches = parameters.max_batch_size > 0;
  const dims = (shape: number[]): number[] => (batches ? shape.slice(1) : shape);
  return {
    name: modelName,
    platform: 'onnxruntime_onnx',
    max_batch_size: parameters.max_batch_size,
    input: [{
      name: input.name,
      data_type: new PbtxtEnum('TYPE_FP32'),
      ...(batches ? { format: new PbtxtEnum(`FORMAT_${manifest.input.layout}`) } : {}),
      dims: dims(input.shape),
    }],
    output: [{
      name: output.name,
      data_type: new PbtxtEnum('TYPE_FP32'),
      dims: dims(output.shape),
      label_filename: TRITON_LABELS_FILE,
    }],
  };
}

/** A message in protobuf text format (what Triton reads from config.pbtxt), two spaces per level. */
export function toPbtxt(message: PbtxtMessage): string {
  return `${fieldLines(message, '').join('\n')}\n`;
}

function fieldLines(message: PbtxtMessage, indent: string): string[] {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(message)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      if (value.every((item) => typeof item === 'number')) {
        lines.push(`${indent}${field}: [ ${(value as readonly number[]).map(numberText).join(', ')} ]`);
        continue;
      }
      lines.push(`${indent}${field} [`);
      (value as readonly PbtxtMessage[]).forEach((item, i) => {
        lines.push(`${indent}  {`, ...fieldLines(item, `${indent}    `), `${indent}  }${i < value.length - 1 ? ',' : ''}`);
      });
      lines.push(`${indent}]`);
    } else if (value instanceof PbtxtEnum) {
      lines.push(`${indent}${field}: ${value.name}`);
    } else if (typeof value === 'object') {
      lines.push(`${indent}${field} {`, ...fieldLines(value as PbtxtMessage, `${indent}  `), `${indent}}`);
    } else if (typeof value === 'string') {
      lines.push(`${indent}${field}: ${quote(value)}`);
    } else if (typeof value === 'number') {
      lines.push(`${indent}${field}: ${numberText(value)}`);
    } else {
      lines.push(`${indent}${field}: ${value}`);
    }
  }
  return lines;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
  return String(value);
}

/** A text-format string literal: C escapes for quotes, backslashes and control characters; other text as UTF-8. */
function quote(text: string): string {
  const escaped = text.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`;
    }
  });
  return `"${escaped}"`;
}
