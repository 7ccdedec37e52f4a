import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLED_WEIGHTS_DIR } from '../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../src/main/host/slot-roles.js';
import { decodeBundle, type ModelBundle } from '../src/main/model/bundle-format.js';
import { packFixtureModel } from '../test/helpers/fixture-bundle.js';

/** A model bundle the benchmarks run, as file bytes (for a slot's data dir) and decoded. */
export interface BenchModel {
  name: string;
  description: string;
  bytes: Buffer;
  bundle: ModelBundle;
}

/** The bundled default AS-IS weights and the real pretrained MobileNetV2 fixture, packed into a bundle. */
export async function loadBenchModels(): Promise<BenchModel[]> {
  const defaultFile = join(BUNDLED_WEIGHTS_DIR, SLOT_ROLES.asis.bundleFileName);
  const defaultBytes = await readFile(defaultFile);
  const fixture = await packFixtureModel();
  return [
    { name: 'default AS-IS', description: `weights/${SLOT_ROLES.asis.bundleFileName}`, bytes: defaultBytes, bundle: decodeBundle(defaultBytes, defaultFile) },
    { name: 'MobileNetV2', description: 'mobilenetv2-12-int8 fixture, packed', bytes: fixture.bytes, bundle: fixture.bundle },
  ];
}

/** "name WxH" of a model's input, for the report. */
export function inputSize(model: BenchModel): string {
  const { width, height } = model.bundle.manifest.input;
  return `${width}x${height}`;
}
