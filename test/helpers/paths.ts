import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Real photos no one here made, with their sources and licences (test/fixtures/SOURCES.md). */
const TEST_FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
/** The pretrained model the project ships (third_party/, Apache-2.0), and its ImageNet labels. */
const PRETRAINED = join(REPO_ROOT, 'third_party', 'mobilenetv2-12-int8');
export const FIXTURE_IMAGES = join(TEST_FIXTURES, 'images');
export const FIXTURE_MODEL = join(PRETRAINED, 'mobilenetv2-12-int8.onnx');
export const FIXTURE_SYNSET = join(PRETRAINED, 'imagenet_synset.txt');
export const FIXTURE_EXPECTED = join(TEST_FIXTURES, 'expected', 'mobilenetv2-12-int8.top5.json');
/** The CLI as users run it: the bundle the build writes (scripts/build.mjs). */
export const LITECNN_CLI = join(REPO_ROOT, 'dist', 'app', 'litecnn.js');

export function fixtureImage(name: string): string {
  return join(FIXTURE_IMAGES, name);
}
