import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelInputSpec } from '../src/shared/model-manifest.js';
import { writeFileAtomic } from '../src/main/fs/atomic-write.js';
import { sha256Hex } from '../src/main/model/bundle-format.js';
import { packModel } from '../src/main/model/pack.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../src/main/model/preprocess-spec.js';
import { LITE_CNN_INPUT, LITE_CNN_OUTPUT, buildLiteCnn, type LiteCnnConfig } from './lite-cnn/lite-cnn-model.js';
import { OXFORD_PET_LABELS } from './lite-cnn/oxford-pet-labels.js';

/** The repository's weights/ folder; this file runs as dist/scripts/make-default-weights.js. */
export const DEFAULT_WEIGHTS_DIR = fileURLToPath(new URL('../../weights/', import.meta.url));

// Fixed so that regenerating gives byte-identical files.
const CREATED = '2026-01-01T00:00:00.000Z';
const MODEL_NAME = 'litecnn-pets';

interface DefaultModel {
  file: string;
  version: string;
  /** Shorter side before the centre crop, inputSize * 256 / 224 as in the ImageNet recipe. */
  shorterSide: number;
  architecture: Omit<LiteCnnConfig, 'classes'>;
}

const DEFAULT_MODELS: DefaultModel[] = [
  {
    // AS-IS: the production slot's model.
    file: 'model_8891.bin',
    version: '1.0.0',
    shorterSide: 146,
    architecture: { inputSize: 128, channels: [16, 32, 64, 64, 128, 128, 256], strides: [1, 2, 1, 2, 1, 2], seed: 8891 },
  },
  {
    // TO-BE: the experimental successor, wider, with a larger input and a hidden head layer.
    file: 'model_8892.bin',
    version: '2.0.0-exp.1',
    shorterSide: 183,
    architecture: { inputSize: 160, channels: [24, 48, 96, 96, 192, 192, 384], strides: [1, 2, 1, 2, 1, 2], headHidden: 128, seed: 8892 },
  },
];

/**
 * Builds, packs (which proves each loads in onnxruntime) and writes the two default model bundles
 * into `outDir`, creating it if needed. Returns the written paths. Output is reproducible byte for byte.
 */
export async function makeDefaultWeights(outDir: string = DEFAULT_WEIGHTS_DIR): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const model of DEFAULT_MODELS) {
    const { inputSize, seed } = model.architecture;
    const input: ModelInputSpec = {
      name: LITE_CNN_INPUT,
      width: inputSize,
      height: inputSize,
      layout: 'NCHW',
      colorOrder: 'RGB',
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      resize: { mode: 'resize-crop', shorterSide: model.shorterSide },
    };
    const { bytes } = await packModel({
      onnx: buildLiteCnn({ ...model.architecture, classes: OXFORD_PET_LABELS.length }),
      labels: OXFORD_PET_LABELS,
      input,
      output: { name: LITE_CNN_OUTPUT, kind: 'logits' },
      name: MODEL_NAME,
      version: model.version,
      source: { kind: 'generated', note: `untrained reference model: deterministic weights from seed ${seed}, not trained on any data` },
      created: CREATED,
    }, model.file);
    const path = join(outDir, model.file);
    await writeFileAtomic(path, bytes);
    written.push(path);
  }
  return written;
}

async function main(): Promise<void> {
  const outDir = process.argv[2] === undefined ? DEFAULT_WEIGHTS_DIR : resolve(process.argv[2]);
  for (const path of await makeDefaultWeights(outDir)) {
    const bytes = await readFile(path);
    console.log(`${path}  ${bytes.length} bytes  sha256 ${sha256Hex(bytes).slice(0, 12)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
