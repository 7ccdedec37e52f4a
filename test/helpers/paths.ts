import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Real data that no one here made: ../shared/fixtures beside the repository. */
export const SHARED_FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');
export const FIXTURE_IMAGES = join(SHARED_FIXTURES, 'images');
export const FIXTURE_MODEL = join(SHARED_FIXTURES, 'models', 'mobilenetv2-12-int8.onnx');
export const FIXTURE_SYNSET = join(SHARED_FIXTURES, 'labels', 'imagenet_synset.txt');
export const FIXTURE_EXPECTED = join(SHARED_FIXTURES, 'expected', 'mobilenetv2-12-int8.top5.json');
export const LITECNN_CLI = join(REPO_ROOT, 'dist', 'src', 'main', 'cli', 'litecnn.js');

export function fixtureImage(name: string): string {
  return join(FIXTURE_IMAGES, name);
}
