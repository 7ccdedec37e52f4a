import type { Command } from 'commander';
import type { ModelDescription, TensorDescription } from '../../../shared/model-description.js';
import { readOnnxSignature } from '../../export/onnx-signature.js';
import { describeModel } from '../../model/model-description.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelManifest } from '../../../shared/model-manifest.js';
import { LiteCnnError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { readBundleFile } from '../../model/bundle-file.js';
import { readLabelsFile } from '../../model/labels-file.js';
import { packModel } from '../../model/pack.js';
import { readPreprocessFile, resolvePreprocess } from '../../model/preprocess-spec.js';
import { resizeCropSide } from '../../inference/input-tensor.js';
import { printJson } from '../cli-context.js';
import { formatBytes } from '../format.js';
import { parsePositiveInt } from '../parse-options.js';

interface PackOptions {
  onnx: string;
  labels: string;
  preprocess?: string;
  size?: number;
  name: string;
  modelVersion: string;
  runId?: string;
  note?: string;
  out: string;
}

/** `litecnn inspect` and `litecnn pack`: read and make model bundles. */
export function registerModelFiles(program: Command): void {
  program
    .command('inspect <file>')
    .description('validate a model bundle and print its manifest, and the model as a slot and an export describe it')
    .option('--json', 'print the whole manifest as JSON, with the description as "protocol"')
    .action(async (file: string, options: { json?: boolean }) => {
      const { manifest, onnx } = await readBundleFile(file);
      const protocol = describeModel(manifest, await readOnnxSignature(onnx, manifest, file));
      if (options.json) printJson({ ...manifest, protocol });
      else process.stdout.write(describeManifest(file, manifest, protocol));
    });

  program
    .command('pack')
    .description('make a model bundle from an ONNX model, its labels and its preprocessing')
    .requiredOption('--onnx <file>', 'the ONNX model')
    .requiredOption('--labels <file>', 'labels: JSON [{ id, en, ko }] or one class per line')
    .option('--preprocess <file>', 'preprocess.json (width, height, mean, std, layout, resize, output)')
    .option('--size <pixels>', 'square input size with ImageNet defaults, instead of --preprocess', parsePositiveInt)
    .requiredOption('--name <name>', 'model name')
    .requiredOption('--model-version <version>', 'model version, e.g. 1.2.0')
    .option('--run-id <id>', 'training run the model comes from')
    .option('--note <text>', 'free text kept in the manifest')
    .requiredOption('-o, --out <file>', 'bundle file to write')
    .action(async (options: PackOptions) => {
      const preprocessing = options.preprocess
        ? await readPreprocessFile(options.preprocess)
        : options.size
          ? resolvePreprocess({ width: options.size, height: options.size }, '--size')
          : null;
      if (!preprocessing) throw new LiteCnnError('BAD_REQUEST', 'Give the preprocessing with --preprocess FILE, or --size N for a square input with ImageNet defaults.');
      const onnx = await readFile(options.onnx).catch((error: Error) => {
        throw new LiteCnnError('MODEL_LOAD_FAILED', `Cannot read ${options.onnx}: ${error.message}`, { subject: options.onnx });
      });
      const source = options.runId
        ? { kind: 'training-run' as const, runId: options.runId, ...(options.note ? { note: options.note } : {}) }
        : { kind: 'import' as const, ...(options.note ? { note: options.note } : {}) };
      const { bytes, manifest } = await packModel({
        onnx,
        labels: await readLabelsFile(options.labels),
        ...preprocessing,
        name: options.name,
        version: options.modelVersion,
        source,
      }, options.onnx);
      await writeFileAtomic(resolve(options.out), bytes);
      process.stdout.write(`wrote ${options.out} (${formatBytes(bytes.length)}), ${manifest.labels.length} labels, sha256 ${manifest.onnx.sha256}\n`);
    });
}

function describeManifest(file: string, m: ModelManifest, protocol: ModelDescription): string {
  const tensor = ({ name, datatype, shape }: TensorDescription): string => `"${name}" ${datatype} [${shape.join(', ')}]`;
  const { input } = m;
  const resize = input.resize.mode === 'resize-crop' ? `shorter side ${resizeCropSide(input)}, centre crop` : input.resize.mode;
  return [
    `${file}: valid LiteCNN bundle`,
    `  name       ${m.name}`,
    `  version    ${m.version}`,
    `  created    ${m.created}`,
    `  source     ${m.source.kind}${m.source.runId ? ` run ${m.source.runId}` : ''}${m.source.note ? ` (${m.source.note})` : ''}`,
    ...(m.source.license ? [`  licence    ${m.source.license}`] : []),
    `  input      ${input.width}x${input.height} ${input.layout} ${input.colorOrder}, ${resize}`,
    `             mean [${input.mean.join(', ')}] std [${input.std.join(', ')}]`,
    `  output     ${m.output.kind}`,
    `  labels     ${m.labels.length}: ${m.labels.slice(0, 4).map((l) => `${l.en} / ${l.ko}`).join(', ')}${m.labels.length > 4 ? ', ...' : ''}`,
    `  onnx       ${formatBytes(m.onnx.bytes)}, sha256 ${m.onnx.sha256}`,
    `  protocol   version ${protocol.versions[0]}, input ${tensor(protocol.inputs[0])}, output ${tensor(protocol.outputs[0])}, ${protocol.parameters.max_batch_size > 0 ? `batches of up to ${protocol.parameters.max_batch_size}` : 'one image at a time'}`,
    '',
  ].join('\n');
}
