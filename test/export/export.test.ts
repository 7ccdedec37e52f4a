import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import ort from 'onnxruntime-node';
import { prepareDataDir, slotBundleFile } from '../../src/main/host/data-dir.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { softmax, topK } from '../../src/main/inference/scores.js';
import { readBundleFile } from '../../src/main/model/bundle-file.js';
import type { ModelBundle } from '../../src/main/model/bundle-format.js';
import { packModel } from '../../src/main/model/pack.js';
import { resolvePreprocess } from '../../src/main/model/preprocess-spec.js';
import type { ModelLabel } from '../../src/shared/model-manifest.js';
import type { PredictResponse, SlotId } from '../../src/shared/slot-api.js';
import { OnnxGraphBuilder, attr } from '../../scripts/lite-cnn/onnx-graph.js';
import { runCli } from '../helpers/cli.js';
import { packFixtureModel } from '../helpers/fixture-bundle.js';
import { mountReadOnly, mountingUnavailable } from '../helpers/mounts.js';
import { fixtureImage } from '../helpers/paths.js';
import { parsePbtxt, type PbtxtParsed } from '../helpers/pbtxt.js';
import { postMultipart, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

// A data dir whose AS-IS slot holds the real pretrained MobileNetV2 and whose TO-BE slot holds the
// bundled LiteCNN default; both are exported before any host runs (export works on files only).
const dataDir = await tempDir('litecnn-export-');
await prepareDataDir(dataDir);
const fixture = await packFixtureModel();
await writeFile(slotBundleFile(dataDir, 'asis'), fixture.bytes);
const asisBundle = fixture.bundle;
const tobeBundle = await readBundleFile(slotBundleFile(dataDir, 'tobe'));
const outRoot = await tempDir('litecnn-export-out-');
const tritonOut = join(outRoot, 'triton');
const kserveOut = join(outRoot, 'kserve');
const tritonRun = await runCli(dataDir, ['export', '--format', 'triton', tritonOut]);
const kserveRun = await runCli(dataDir, ['export', '--format', 'kserve', kserveOut, '--slot', 'tobe', '--json']);

interface TensorConfig { name: string; data_type: string; format?: string; dims: number[]; label_filename?: string }
interface ModelConfig { name: string; platform: string; max_batch_size: number; input: TensorConfig[]; output: TensorConfig[] }

async function readConfig(modelDir: string): Promise<ModelConfig> {
  const parsed: PbtxtParsed = parsePbtxt(await readFile(join(modelDir, 'config.pbtxt'), 'utf8'));
  return parsed as unknown as ModelConfig;
}

/** Every file below dir, relative to it, sorted. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name))).sort();
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.endsWith('\n'), `${file} ends with a newline`);
  return text.slice(0, -1).split('\n');
}

/** Checks the files of one exported model against its bundle; returns its parsed config. */
async function checkModelFolder(modelDir: string, bundle: ModelBundle): Promise<ModelConfig> {
  const { manifest, onnx } = bundle;
  assert.deepEqual(await readFile(join(modelDir, '1', 'model.onnx')), Buffer.from(onnx), 'the exact ONNX bytes');
  const labels = await readLines(join(modelDir, 'labels.txt'));
  assert.equal(labels.length, manifest.labels.length, 'one line per class');
  assert.deepEqual(labels, manifest.labels.map((l) => l.id), 'label ids in output order');
  assert.deepEqual(JSON.parse(await readFile(join(modelDir, 'labels.json'), 'utf8')), manifest.labels);

  const config = await readConfig(modelDir);
  const session = await ort.InferenceSession.create(join(modelDir, '1', 'model.onnx'));
  try {
    assert.equal(config.input[0]!.name, manifest.input.name ?? session.inputNames[0]);
    assert.equal(config.output[0]!.name, manifest.output.name ?? session.outputNames[0]);
  } finally {
    await session.release();
  }
  // preprocess.json is what `litecnn pack --preprocess` reads, and gives back the manifest's spec.
  const preprocess = resolvePreprocess(JSON.parse(await readFile(join(modelDir, 'preprocess.json'), 'utf8')), 'preprocess.json');
  assert.deepEqual(preprocess.input, { ...manifest.input, name: config.input[0]!.name });
  assert.deepEqual(preprocess.output, { ...manifest.output, name: config.output[0]!.name });
  return config;
}

test('export --format triton writes a Triton model repository of the AS-IS model', async () => {
  assert.equal(tritonRun.code, 0, tritonRun.stderr);
  const name = 'mobilenetv2-12-int8';
  assert.deepEqual(await filesBelow(tritonOut), [`${name}/1/model.onnx`, `${name}/config.pbtxt`, `${name}/labels.json`, `${name}/labels.txt`, `${name}/preprocess.json`]);
  const config = await checkModelFolder(join(tritonOut, name), asisBundle);
  // The ONNX input is [batch_size, 3, 224, 224]: a dynamic batch, so Triton may batch up to 8.
  assert.deepEqual(config, {
    name,
    platform: 'onnxruntime_onnx',
    max_batch_size: 8,
    input: [{ name: 'input', data_type: 'TYPE_FP32', format: 'FORMAT_NCHW', dims: [3, 224, 224] }],
    output: [{ name: 'output', data_type: 'TYPE_FP32', dims: [1000], label_filename: 'labels.txt' }],
  });
  assert.match(tritonRun.stdout, /Exported the AS-IS model mobilenetv2-12-int8 12\.0\.0/);
  assert.ok(tritonRun.stdout.includes(`tritonserver --model-repository ${tritonOut}`), tritonRun.stdout);
  assert.match(tritonRun.stdout, /preprocess\.json/);
});

test('export --format kserve --slot tobe adds an InferenceService for KServe\'s Triton runtime', async () => {
  assert.equal(kserveRun.code, 0, kserveRun.stderr);
  const printed = JSON.parse(kserveRun.stdout) as { slot: SlotId; format: string; modelName: string; config: ModelConfig; files: string[]; inferenceService: { file: string; name: string } };
  assert.equal(printed.slot, 'tobe');
  assert.equal(printed.format, 'kserve');
  assert.equal(printed.modelName, 'mobilenetv2-pets');
  const name = 'mobilenetv2-pets';
  assert.deepEqual(await filesBelow(kserveOut), ['inferenceservice.yaml', `${name}/1/model.onnx`, `${name}/config.pbtxt`, `${name}/labels.json`, `${name}/labels.txt`, `${name}/preprocess.json`]);
  assert.deepEqual(printed.files.map((f) => relative(kserveOut, f)).sort(), await filesBelow(kserveOut));
  const config = await checkModelFolder(join(kserveOut, name), tobeBundle);
  assert.deepEqual(printed.config, config, '--json prints the config that was written');
  assert.equal(config.max_batch_size, 8);
  assert.deepEqual(config.input[0]!.dims, [3, 224, 224]);
  assert.deepEqual(config.output[0]!.dims, [123]);

  const yamlText = await readFile(join(kserveOut, 'inferenceservice.yaml'), 'utf8');
  const isvc = parseYaml(yamlText) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { predictor: { model: Record<string, unknown> } } };
  assert.equal(isvc.apiVersion, 'serving.kserve.io/v1beta1');
  assert.equal(isvc.kind, 'InferenceService');
  assert.equal(isvc.metadata.name, 'mobilenetv2-pets');
  assert.equal(printed.inferenceService.name, 'mobilenetv2-pets');
  assert.deepEqual(isvc.spec.predictor.model, {
    modelFormat: { name: 'onnx' },
    protocolVersion: 'v2',
    runtime: 'kserve-tritonserver',
    storageUri: 's3://YOUR-BUCKET/PATH',
  });
  assert.match(yamlText, /storageUri: .*# REPLACE: the folder that holds mobilenetv2-pets\//);
});

test('--force writes over an earlier export; without it a folder with files in it is refused', async () => {
  const config = join(kserveOut, 'mobilenetv2-pets', 'config.pbtxt');
  const before = await readFile(config, 'utf8');
  await writeFile(config, 'edited by hand\n');
  const refused = await runCli(dataDir, ['export', '--format', 'kserve', kserveOut, '--slot', 'tobe']);
  assert.equal(refused.code, 1);
  assert.ok(refused.stderr.includes(`${kserveOut} is not empty`), refused.stderr);
  assert.match(refused.stderr, /add --force .*\[BAD_REQUEST\]/);
  assert.equal(await readFile(config, 'utf8'), 'edited by hand\n', 'nothing written');

  const forced = await runCli(dataDir, ['export', '--format', 'kserve', kserveOut, '--slot', 'to-be', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(await readFile(config, 'utf8'), before);
  assert.match(forced.stdout, /Exported the TO-BE model mobilenetv2-pets 1\.1\.0-exp\.1/);
  assert.ok(forced.stdout.includes(`kubectl apply -f ${join(kserveOut, 'inferenceservice.yaml')}`), forced.stdout);
  assert.match(forced.stdout, /storageUri/);
});

test('the exported models answer exactly as the slots serving them do', async () => {
  const { url } = await startTestHost({}, dataDir);
  const exports: [SlotId, string][] = [['asis', join(tritonOut, 'mobilenetv2-12-int8')], ['tobe', join(kserveOut, 'mobilenetv2-pets')]];
  for (const [slot, modelDir] of exports) {
    // Only what the export wrote: the model, its config, labels and preprocessing.
    const config = await readConfig(modelDir);
    const labels = await readLines(join(modelDir, 'labels.txt'));
    const { input: spec, output } = resolvePreprocess(JSON.parse(await readFile(join(modelDir, 'preprocess.json'), 'utf8')), 'preprocess.json');
    const session = await ort.InferenceSession.create(join(modelDir, '1', 'model.onnx'));
    try {
      for (const image of ['dog-golden-retriever.jpg', 'cat-persian.jpg', 'other-espresso.png']) {
        const photo = await readFile(fixtureImage(image));
        const response = await postMultipart(await url(slot), photo);
        assert.equal(response.status, 200);
        const served = ((await response.json()) as PredictResponse).predictions[0]!;

        const tensor = await prepareImage(photo, spec);
        assert.deepEqual(tensor.dims.slice(1), config.input[0]!.dims, 'the tensor the config describes');
        const results = await session.run({ [config.input[0]!.name]: new ort.Tensor('float32', tensor.data, tensor.dims) });
        const values = results[config.output[0]!.name]!.data as Float32Array;
        const scores = output.kind === 'logits' ? softmax(values) : Float64Array.from(values);
        const best = topK(scores, 1)[0]!;
        assert.equal(labels[best], served.label, `${slot} ${image}: top-1 label`);
        assert.ok(Math.abs(scores[best]! - served.score) <= 1e-5, `${slot} ${image}: score ${scores[best]} vs the slot's ${served.score}`);

        // max_batch_size 8 is true: two images in one batch answer as each alone.
        const pair = new Float32Array(tensor.data.length * 2);
        pair.set(tensor.data);
        pair.set(tensor.data, tensor.data.length);
        const batched = await session.run({ [config.input[0]!.name]: new ort.Tensor('float32', pair, [2, ...config.input[0]!.dims]) });
        const batchOutput = batched[config.output[0]!.name]!;
        assert.deepEqual(batchOutput.dims, [2, ...config.output[0]!.dims]);
        const second = (batchOutput.data as Float32Array).subarray(values.length);
        assert.equal(topK(output.kind === 'logits' ? softmax(second) : second, 1)[0], best);
      }
    } finally {
      await session.release();
    }
  }
});

/** A one-image-only model: input [1, 3, 8, 8] -> mean colour -> softmax [1, 3]. */
function fixedBatchModel(): Uint8Array {
  const graph = new OnnxGraphBuilder('fixed-batch');
  graph.addInput('image', [1, 3, 8, 8]);
  graph.addNode('GlobalAveragePool', ['image'], ['pooled']);
  graph.addNode('Flatten', ['pooled'], ['flat'], { axis: attr.int(1) });
  graph.addNode('Softmax', ['flat'], ['colour'], { axis: attr.int(1) });
  graph.addOutput('colour', [1, 3]);
  return graph.toModelBytes();
}

test('a model with a fixed batch of one exports with max_batch_size 0 and its full dims', async () => {
  const dir = await tempDir('litecnn-export-fixed-');
  await prepareDataDir(dir);
  const labels: ModelLabel[] = [{ id: 'red', en: 'Red', ko: '빨강' }, { id: 'green', en: 'Green', ko: '초록' }, { id: 'blue', en: 'Blue', ko: '파랑' }];
  const { bytes } = await packModel({
    onnx: fixedBatchModel(),
    labels,
    ...resolvePreprocess({ width: 8, height: 8, resize: { mode: 'fill' }, output: 'probabilities' }, 'fixed'),
    name: 'Tiny colour/model v1',
    version: '1.0.0',
    source: { kind: 'import' },
  });
  await writeFile(slotBundleFile(dir, 'asis'), bytes);
  const out = join(await tempDir('litecnn-export-fixed-out-'), 'repo');
  const run = await runCli(dir, ['export', '--format', 'kserve', out]);
  assert.equal(run.code, 0, run.stderr);
  const modelDir = join(out, 'Tiny_colour_model_v1');
  const config = await checkModelFolder(modelDir, await readBundleFile(slotBundleFile(dir, 'asis')));
  // No `format`: Triton accepts FORMAT_NCHW only on exactly three dims.
  assert.deepEqual(config, {
    name: 'Tiny_colour_model_v1',
    platform: 'onnxruntime_onnx',
    max_batch_size: 0,
    input: [{ name: 'image', data_type: 'TYPE_FP32', dims: [1, 3, 8, 8] }],
    output: [{ name: 'colour', data_type: 'TYPE_FP32', dims: [1, 3], label_filename: 'labels.txt' }],
  });
  const isvc = parseYaml(await readFile(join(out, 'inferenceservice.yaml'), 'utf8')) as { metadata: { name: string } };
  assert.equal(isvc.metadata.name, 'tiny-colour-model-v1');
  assert.match(isvc.metadata.name, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);

  const session = await ort.InferenceSession.create(join(modelDir, '1', 'model.onnx'));
  try {
    const red = new Float32Array(3 * 64);
    red.fill(5, 0, 64);
    const result = await session.run({ image: new ort.Tensor('float32', red, config.input[0]!.dims) });
    assert.deepEqual(result.colour!.dims, config.output[0]!.dims);
    assert.equal(topK(result.colour!.data as Float32Array, 1)[0], 0, 'red');
  } finally {
    await session.release();
  }
});

test('bad requests fail with a clear message and write nothing', async () => {
  const out = join(outRoot, 'never');
  const unknownFormat = await runCli(dataDir, ['export', '--format', 'tfserving', out]);
  assert.equal(unknownFormat.code, 1);
  assert.match(unknownFormat.stderr, /Unknown export format "tfserving"; use triton or kserve\. \[BAD_REQUEST\]/);

  const noFormat = await runCli(dataDir, ['export', out]);
  assert.equal(noFormat.code, 1);
  assert.match(noFormat.stderr, /required option '--format <format>' not specified/);

  const badSlot = await runCli(dataDir, ['export', '--format', 'triton', out, '--slot', 'prod']);
  assert.equal(badSlot.code, 1);
  assert.match(badSlot.stderr, /Unknown slot "prod"; use asis or tobe\. \[UNKNOWN_SLOT\]/);

  const emptyDataDir = await tempDir('litecnn-export-empty-');
  const missing = await runCli(emptyDataDir, ['export', '--format', 'triton', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /model_8891\.bin: no such model bundle.*\[BUNDLE_NOT_FOUND\]/);

  const damagedDataDir = await tempDir('litecnn-export-damaged-');
  await prepareDataDir(damagedDataDir);
  const tobe = slotBundleFile(damagedDataDir, 'tobe');
  await writeFile(tobe, (await readFile(tobe)).subarray(0, 5000));
  const damaged = await runCli(damagedDataDir, ['export', '--format', 'triton', out, '--slot', 'tobe']);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /model_8892\.bin.*\[BUNDLE_[A-Z_]+\]/);

  const aFile = join(outRoot, 'a-file');
  await writeFile(aFile, 'not a folder');
  const fileInTheWay = await runCli(dataDir, ['export', '--format', 'triton', aFile]);
  assert.equal(fileInTheWay.code, 1);
  assert.match(fileInTheWay.stderr, /a file stands where the export needs a folder.*\[FOLDER_NOT_WRITABLE\]/);

  assert.deepEqual((await readdir(outRoot)).sort(), ['a-file', 'kserve', 'triton'], 'no OUT_DIR was made');
});

test('an OUT_DIR that cannot be written fails with FOLDER_NOT_WRITABLE', { skip: mountingUnavailable }, async () => {
  const parent = await tempDir('litecnn-export-ro-');
  const readOnly = await mountReadOnly(parent);
  try {
    const result = await runCli(dataDir, ['export', '--format', 'triton', join(parent, 'repo')]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`${parent} cannot be written`), result.stderr);
    assert.match(result.stderr, /Make it writable.*\[FOLDER_NOT_WRITABLE\]/);
  } finally {
    await readOnly.release();
  }
});
