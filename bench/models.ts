import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_WEIGHTS_DIR } from '../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../src/main/host/slot-roles.js';
import { decodeBundle, type ModelBundle } from '../src/main/model/bundle-format.js';
import { SLOT_IDS, SLOT_TITLES } from '../src/shared/slot-api.js';
import { liteCnnBundle } from '../test/helpers/training-runs.js';

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
  const bytes = liteCnnBundle(8892, 160);
  return { name: 'LiteCNN 160', description: 'LiteCNN, 160x160 input', bytes, bundle: decodeBundle(bytes, 'litecnn-160') };
}

/** "name WxH" of a model's input, for the report. */
export function inputSize(model: BenchModel): string {
  const { width, height } = model.bundle.manifest.input;
  return `${width}x${height}`;
}
