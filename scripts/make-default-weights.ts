import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelSource } from '../src/shared/model-manifest.js';
import { writeFileAtomic } from '../src/main/fs/atomic-write.js';
import { sha256Hex } from '../src/main/model/bundle-format.js';
import { packModel } from '../src/main/model/pack.js';
import { resolvePreprocess } from '../src/main/model/preprocess-spec.js';
import { IMAGENET_PET_LABELS } from './default-models/imagenet-pet-labels.js';
import { PET_PROBABILITIES_OUTPUT, addPetHead } from './default-models/pet-head.js';

/** The repository's weights/ folder; this file runs as dist/scripts/make-default-weights.js. */
export const DEFAULT_WEIGHTS_DIR = fileURLToPath(new URL('../../weights/', import.meta.url));

/** The pretrained backbone both defaults are built from, copied verbatim with its licence. */
export const BACKBONE_FILE = fileURLToPath(new URL('../../third_party/mobilenetv2-12-int8/mobilenetv2-12-int8.onnx', import.meta.url));
const BACKBONE_SHA256 = 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f';

// Fixed so that regenerating gives byte-identical files.
const CREATED = '2026-01-01T00:00:00.000Z';
const MODEL_NAME = 'mobilenetv2-pets';
const SOURCE_NOTE = 'pretrained MobileNetV2-12 int8 (ONNX Model Zoo), trained on ImageNet-1k; '
  + 'its 1000 classes summed into pet-breed labels inside the graph';

interface DefaultModel {
  file: string;
  version: string;
  horizontalFlip: boolean;
  experiment?: string;
}

const DEFAULT_MODELS: DefaultModel[] = [
  // AS-IS: the production slot's model.
  { file: 'model_8891.bin', version: '1.0.0', horizontalFlip: false },
  {
    // TO-BE: the same backbone with one experiment.
    file: 'model_8892.bin',
    version: '1.1.0-exp.1',
    horizontalFlip: true,
    experiment: 'experiment: horizontal-flip test-time augmentation (each photo and its mirror image, averaged)',
  },
];

/**
 * Builds, packs (which proves each loads in onnxruntime) and writes the two default model bundles
 * into `outDir`, creating it if needed. Returns the written paths. Output is reproducible byte for byte.
 */
export async function makeDefaultWeights(outDir: string = DEFAULT_WEIGHTS_DIR): Promise<string[]> {
  const backbone = await readFile(BACKBONE_FILE);
  if (sha256Hex(backbone) !== BACKBONE_SHA256) {
    throw new Error(`${BACKBONE_FILE} is not the MobileNetV2-12 int8 file third_party/mobilenetv2-12-int8/README.md describes (sha256 ${BACKBONE_SHA256}).`);
  }
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const model of DEFAULT_MODELS) {
    const source: ModelSource = {
      kind: 'import',
      note: model.experiment ? `${SOURCE_NOTE}; ${model.experiment}` : SOURCE_NOTE,
      license: 'Apache-2.0',
    };
    const { bytes } = await packModel({
      onnx: addPetHead(backbone, { labels: IMAGENET_PET_LABELS, horizontalFlip: model.horizontalFlip }),
      labels: IMAGENET_PET_LABELS.map(({ id, en, ko }) => ({ id, en, ko })),
      ...resolvePreprocess({ width: 224, height: 224, inputName: 'input', outputName: PET_PROBABILITIES_OUTPUT, output: 'probabilities' }, model.file),
      name: MODEL_NAME,
      version: model.version,
      source,
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
