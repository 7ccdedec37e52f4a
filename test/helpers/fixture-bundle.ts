import { readFile } from 'node:fs/promises';
import type { ModelBundle } from '../../src/main/model/bundle-format.js';
import { decodeBundle } from '../../src/main/model/bundle-format.js';
import { readLabelsFile } from '../../src/main/model/labels-file.js';
import { packModel } from '../../src/main/model/pack.js';
import { resolvePreprocess } from '../../src/main/model/preprocess-spec.js';
import { FIXTURE_MODEL, FIXTURE_SYNSET } from './paths.js';

/** The real pretrained ImageNet classifier from third_party/, packed with its canonical preprocessing. */
export async function packFixtureModel(): Promise<{ bytes: Buffer; bundle: ModelBundle }> {
  const { bytes } = await packModel({
    onnx: await readFile(FIXTURE_MODEL),
    labels: await readLabelsFile(FIXTURE_SYNSET),
    ...resolvePreprocess({ width: 224, height: 224, resize: { mode: 'resize-crop', shorterSide: 256 } }, 'fixture'),
    name: 'mobilenetv2-12-int8',
    version: '12.0.0',
    source: { kind: 'import', note: 'ONNX Model Zoo fixture' },
  });
  return { bytes, bundle: decodeBundle(bytes, 'fixture') };
}
