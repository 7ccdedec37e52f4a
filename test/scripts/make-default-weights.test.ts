import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { decodeBundle, sha256Hex, type ModelBundle } from '../../src/main/model/bundle-format.js';
import { ModelSession } from '../../src/main/inference/model-session.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { buildLiteCnn } from '../../scripts/lite-cnn/lite-cnn-model.js';
import { OXFORD_PET_SPECIES } from '../../scripts/lite-cnn/oxford-pet-labels.js';
import { seededRandom } from '../../scripts/lite-cnn/seeded-random.js';
import { makeDefaultWeights } from '../../scripts/make-default-weights.js';

const { onnx } = onnxProto;

// This file runs as dist/test/scripts/make-default-weights.test.js.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const committedWeights = join(repoRoot, 'weights');
const fixtureImages = join(repoRoot, '..', 'shared', 'fixtures', 'images');
const DEFAULT_FILES = ['model_8891.bin', 'model_8892.bin'];

describe('seededRandom', () => {
  const draw = (seed: number): number[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? random.uniform() : random.normal()));
  };

  test('the same seed gives the same numbers', () => {
    assert.deepEqual(draw(8891), draw(8891));
  });

  test('a different seed gives different numbers', () => {
    assert.notDeepEqual(draw(8891), draw(8892));
  });

  test('uniforms stay in [0, 1) and normals have roughly unit spread', () => {
    const random = seededRandom(1);
    const uniforms = Array.from({ length: 10_000 }, () => random.uniform());
    assert.ok(uniforms.every((u) => u >= 0 && u < 1));
    const normals = Array.from({ length: 10_000 }, () => random.normal());
    const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
    const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });
});

describe('buildLiteCnn', () => {
  const config = { inputSize: 32, channels: [8, 16, 32], strides: [2, 2], headHidden: 12, classes: 37, seed: 7 };
  const model = onnx.ModelProto.decode(buildLiteCnn(config));
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const opTypes = new Set(nodes.map((node) => node.opType));

  test('declares IR 8, opset 13 and the litecnn-dual producer', () => {
    assert.equal(Number(model.irVersion), 8);
    assert.deepEqual(model.opsetImport.map((opset) => [opset.domain, Number(opset.version)]), [['', 13]]);
    assert.equal(model.producerName, 'litecnn-dual');
  });

  test('has a conv stem, depthwise convs, BatchNorm, global pooling and a Gemm head', () => {
    for (const op of ['Conv', 'BatchNormalization', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']) {
      assert.ok(opTypes.has(op), `missing ${op}`);
    }
    const groups = nodes
      .filter((node) => node.opType === 'Conv')
      .map((node) => Number(node.attribute?.find((a) => a.name === 'group')?.i));
    assert.deepEqual(groups, [1, 8, 1, 16, 1], 'stem, then depthwise (group = channels) and pointwise per block');
    assert.equal(nodes.filter((node) => node.opType === 'Gemm').length, 2, 'hidden layer and classifier');
  });

  test('takes "input" [batch, 3, H, W] and gives "logits" [batch, classes]', () => {
    const dims = (info: onnxProto.onnx.IValueInfoProto): (string | number)[] =>
      info.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    const [input] = graph.input ?? [];
    const [output] = graph.output ?? [];
    assert.equal(input?.name, 'input');
    assert.deepEqual(dims(input!), ['batch', 3, 32, 32]);
    assert.equal(output?.name, 'logits');
    assert.deepEqual(dims(output!), ['batch', 37]);
  });

  test('is deterministic in its seed', () => {
    assert.deepEqual(buildLiteCnn(config), buildLiteCnn(config));
    assert.notDeepEqual(buildLiteCnn(config), buildLiteCnn({ ...config, seed: 8 }));
  });
});

describe('makeDefaultWeights', () => {
  let outDir: string;
  let written: string[];
  const bundles = new Map<string, ModelBundle>();
  const sessions = new Map<string, ModelSession>();

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'litecnn-weights-'));
    written = await makeDefaultWeights(outDir);
    for (const file of DEFAULT_FILES) {
      const path = join(committedWeights, file);
      const bundle = decodeBundle(await readFile(path), path);
      bundles.set(file, bundle);
      sessions.set(file, await ModelSession.load(bundle, path));
    }
  });

  after(async () => {
    await Promise.all([...sessions.values()].map((session) => session.release()));
    await rm(outDir, { recursive: true, force: true });
  });

  test('regenerates files byte-identical to the committed weights', async () => {
    assert.deepEqual(written.map((path) => basename(path)), DEFAULT_FILES);
    for (const path of written) {
      const committed = await readFile(join(committedWeights, basename(path)));
      assert.ok((await readFile(path)).equals(committed), `${basename(path)} differs from weights/; run \`npm run weights\` and commit`);
    }
  });

  test('labels the 37 Oxford-IIIT Pet breeds: 12 cats and 25 dogs, each with a Korean name', () => {
    for (const [file, { manifest }] of bundles) {
      assert.equal(manifest.labels.length, 37, file);
      const species = manifest.labels.map((label) => OXFORD_PET_SPECIES[label.id]);
      assert.equal(species.filter((s) => s === 'cat').length, 12, file);
      assert.equal(species.filter((s) => s === 'dog').length, 25, file);
      for (const label of manifest.labels) {
        assert.match(label.ko, /\p{Script=Hangul}/u, `${file} ${label.id}`);
      }
    }
  });

  test('AS-IS and TO-BE differ in input size and ONNX bytes', () => {
    const asIs = bundles.get('model_8891.bin')!;
    const toBe = bundles.get('model_8892.bin')!;
    assert.equal(asIs.manifest.input.width, 128);
    assert.equal(toBe.manifest.input.width, 160);
    assert.notEqual(asIs.manifest.onnx.sha256, toBe.manifest.onnx.sha256);
    assert.notEqual(sha256Hex(asIs.onnx), sha256Hex(toBe.onnx));
  });

  test('classify a real photo into 37 probabilities, differently per model and per photo', async () => {
    const scoresOf = async (file: string, image: string): Promise<Float64Array> => {
      const session = sessions.get(file)!;
      return session.scoresFor(await prepareImage(await readFile(join(fixtureImages, image)), session.manifest.input));
    };
    const byModel: Float64Array[] = [];
    for (const file of DEFAULT_FILES) {
      const dog = await scoresOf(file, 'dog-golden-retriever.jpg');
      assert.equal(dog.length, 37, file);
      assert.ok(dog.every(Number.isFinite), file);
      const sum = dog.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6, `${file}: scores sum to ${sum}`);
      const cat = await scoresOf(file, 'cat-persian.jpg');
      assert.notDeepEqual(dog, cat, `${file}: outputs do not depend on the image`);
      byModel.push(dog);
    }
    assert.notDeepEqual(byModel[0], byModel[1]);
  });
});
