import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_WEIGHTS_DIR } from '../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../src/main/host/slot-roles.js';
import { decodeBundle, type ModelBundle } from '../src/main/model/bundle-format.js';
import { buildBundle } from '../src/main/model/pack.js';
import { resolvePreprocess } from '../src/main/model/preprocess-spec.js';
import { SLOT_IDS, SLOT_TITLES } from '../src/shared/slot-api.js';
import { LITE_CNN_INPUT, LITE_CNN_OUTPUT, buildLiteCnn } from '../scripts/lite-cnn/lite-cnn-model.js';
import { OXFORD_PET_LABELS } from '../scripts/lite-cnn/oxford-pet-labels.js';

/** A model bundle the benchmarks run, as file bytes (for a slot's data dir) and decoded. */
export interface BenchModel {
  name: string;
  description: string;
  bytes: Buffer;
  bundle: ModelBundle;
}

/** The bundled default AS-IS and TO-BE weights. */
export async function loadBenchModels(): Promise<BenchModel[]> {
  return Promise.all(SLOT_IDS.map(async (slot) => {
    const file = join(BUNDLED_WEIGHTS_DIR, SLOT_ROLES[slot].bundleFileName);
    const bytes = await readFile(file);
    return { name: `default ${SLOT_TITLES[slot]}`, description: `weights/${SLOT_ROLES[slot].bundleFileName}`, bytes, bundle: decodeBundle(bytes, file) };
  }));
}

/** A small LiteCNN with a 160x160 input (seeded weights), for a pair whose two input specs differ. */
export function liteCnn160BenchModel(): BenchModel {
  const { bytes } = buildBundle({
    onnx: buildLiteCnn({ inputSize: 160, channels: [24, 48, 96, 96, 192, 192, 384], strides: [1, 2, 1, 2, 1, 2], headHidden: 128, classes: OXFORD_PET_LABELS.length, seed: 8892 }),
    labels: OXFORD_PET_LABELS,
    ...resolvePreprocess({ width: 160, height: 160, inputName: LITE_CNN_INPUT, outputName: LITE_CNN_OUTPUT }, 'litecnn-160'),
    name: 'litecnn-160',
    version: '1.0.0',
    source: { kind: 'generated', note: 'bench model: seeded weights' },
  });
  return { name: 'LiteCNN 160', description: 'LiteCNN, 160x160 input', bytes, bundle: decodeBundle(bytes, 'litecnn-160') };
}

/** "name WxH" of a model's input, for the report. */
export function inputSize(model: BenchModel): string {
  const { width, height } = model.bundle.manifest.input;
  return `${width}x${height}`;
}
