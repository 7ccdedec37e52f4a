import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGENET_MEAN, IMAGENET_STD, resolvePreprocess } from '../../src/main/model/preprocess-spec.js';

test('only the size is required; the rest defaults to the ImageNet recipe', () => {
  const { input, output } = resolvePreprocess({ width: 224, height: 224 }, 'preprocess.json');
  assert.deepEqual(input, { width: 224, height: 224, layout: 'NCHW', colorOrder: 'RGB', mean: IMAGENET_MEAN, std: IMAGENET_STD, resize: { mode: 'resize-crop', shorterSide: 256 } });
  assert.deepEqual(output, { kind: 'logits' });
});

test('given values win, including tensor names', () => {
  const { input, output } = resolvePreprocess({ width: 160, height: 128, layout: 'NHWC', colorOrder: 'BGR', resize: { mode: 'fill' }, output: 'probabilities', inputName: 'x', outputName: 'y' }, 'p');
  assert.equal(input.layout, 'NHWC');
  assert.equal(input.name, 'x');
  assert.deepEqual(input.resize, { mode: 'fill' });
  assert.deepEqual(output, { kind: 'probabilities', name: 'y' });
});

test('invalid preprocessing names the file and every problem', () => {
  assert.throws(() => resolvePreprocess({ width: 0, std: [1, 0, 1], extra: true }, 'runs/7/preprocess.json'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'BUNDLE_MANIFEST_INVALID');
    assert.match(error.message, /runs\/7\/preprocess\.json/);
    assert.match(error.message, /height/);
    assert.match(error.message, /width/);
    assert.match(error.message, /additional properties/);
    return true;
  });
});
