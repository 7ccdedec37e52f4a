import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { buildLiteCnn } from '../../scripts/lite-cnn/lite-cnn-model.js';
import { seededRandom } from '../../scripts/lite-cnn/seeded-random.js';

const { onnx } = onnxProto;

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
