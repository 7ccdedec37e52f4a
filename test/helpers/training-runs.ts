import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBundle } from '../../src/main/model/bundle-format.js';
import { buildBundle } from '../../src/main/model/pack.js';
import { resolvePreprocess, type PreprocessSpec } from '../../src/main/model/preprocess-spec.js';
import type { ModelLabel } from '../../src/shared/model-manifest.js';
import { buildLiteCnn } from '../../scripts/lite-cnn/lite-cnn-model.js';
import { OXFORD_PET_LABELS } from '../../scripts/lite-cnn/oxford-pet-labels.js';
import { REPO_ROOT } from './paths.js';
import { tempDir } from './temp-dir.js';

/** The files of a training run, as a training job exports them. */
export interface RunFiles {
  onnx: Uint8Array;
  labels: ModelLabel[] | string;
  preprocess: PreprocessSpec | string;
  metrics?: Record<string, unknown>;
}

/** A run made from a LiteCNN network with the given seed and width (the 37 pet breeds, 96x96 input). */
export function liteCnnRun(seed: number, widths: number[] = [16, 32, 64, 128]): RunFiles {
  return {
    onnx: buildLiteCnn({ inputSize: 96, channels: widths, strides: widths.slice(1).map(() => 2), classes: OXFORD_PET_LABELS.length, seed }),
    labels: OXFORD_PET_LABELS,
    preprocess: { width: 96, height: 96, inputName: 'input', outputName: 'logits' },
    metrics: { val_accuracy: 0.5 + (seed % 40) / 100, epoch: seed % 50 },
  };
}

/** A LiteCNN packed as a bundle (37 Oxford breeds, seeded weights), to put straight into a slot: `inputSize` pixels square. */
export function liteCnnBundle(seed: number, inputSize = 96, widths: number[] = [16, 32, 64, 128]): Buffer {
  return buildBundle({
    onnx: buildLiteCnn({ inputSize, channels: widths, strides: widths.slice(1).map(() => 2), classes: OXFORD_PET_LABELS.length, seed }),
    labels: OXFORD_PET_LABELS,
    ...resolvePreprocess({ width: inputSize, height: inputSize, inputName: 'input', outputName: 'logits' }, `litecnn-${seed}`),
    name: 'litecnn-seeded',
    version: `0.${seed}.0`,
    source: { kind: 'generated', note: 'seeded weights, untrained' },
  }).bytes;
}

/** A run holding the bundled AS-IS model's ONNX, labels, preprocessing and output tensor. */
export async function bundledRun(file = 'model_8891.bin'): Promise<RunFiles> {
  const { manifest, onnx } = decodeBundle(await readFile(join(REPO_ROOT, 'weights', file)), file);
  const { input, output } = manifest;
  const preprocess: PreprocessSpec = { width: input.width, height: input.height, layout: input.layout, colorOrder: input.colorOrder, mean: input.mean, std: input.std, resize: input.resize, output: output.kind };
  if (input.name) preprocess.inputName = input.name;
  if (output.name) preprocess.outputName = output.name;
  return { onnx, labels: manifest.labels, preprocess };
}

/**
 * Publishes a run into the GPU server's runs folder with scripts/export-training-run.sh, as a
 * training job would; with `done: false` the files are copied but DONE is not written.
 */
export async function publishRun(runsDir: string, runId: string, files: RunFiles, options: { done?: boolean } = {}): Promise<void> {
  const source = options.done === false ? join(runsDir, runId) : await tempDir('litecnn-run-');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'model.onnx'), files.onnx);
  await writeFile(join(source, 'labels.json'), typeof files.labels === 'string' ? files.labels : JSON.stringify(files.labels));
  await writeFile(join(source, 'preprocess.json'), typeof files.preprocess === 'string' ? files.preprocess : JSON.stringify(files.preprocess));
  if (files.metrics) await writeFile(join(source, 'metrics.json'), JSON.stringify(files.metrics));
  if (options.done === false) return;
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'export-training-run.sh'), source, runsDir, runId]);
  // DONE times have one-second resolution over SFTP; space runs so "newest" is unambiguous.
  await new Promise((resolve) => setTimeout(resolve, 1100));
}
