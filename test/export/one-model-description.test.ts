import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { tritonModelName } from '../../src/main/model/model-names.js';
import type { ModelDescription } from '../../src/shared/model-description.js';
import type { SlotId, SlotInfo } from '../../src/shared/slot-api.js';
import { runCli } from '../helpers/cli.js';
import { fixtureImage } from '../helpers/paths.js';
import { parsePbtxt, type PbtxtParsed } from '../helpers/pbtxt.js';
import { startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const { url, dataDir } = await startTestHost();
const urls = { asis: await url('asis'), tobe: await url('tobe') } as Record<SlotId, string>;

/** The tensors as a Triton config lists them, in the description's convention (the batch dimension -1 when it batches). */
function fromTritonConfig(config: PbtxtParsed): Pick<ModelDescription, 'name' | 'inputs' | 'outputs'> & { maxBatchSize: number } {
  const maxBatchSize = Number(config.max_batch_size);
  const tensors = (entries: PbtxtParsed[]): { name: string; datatype: string; shape: number[] }[] => entries.map((entry) => ({
    name: String(entry.name),
    datatype: String(entry.data_type).replace(/^TYPE_/, ''),
    shape: [...(maxBatchSize > 0 ? [-1] : []), ...(entry.dims as number[])],
  }));
  return { name: String(config.name), inputs: tensors(config.input as PbtxtParsed[]) as ModelDescription['inputs'], outputs: tensors(config.output as PbtxtParsed[]) as ModelDescription['outputs'], maxBatchSize };
}

for (const slot of ['asis', 'tobe'] as const) {
  test(`one description of ${slot}'s model: /v2 metadata, /info, litecnn inspect and the Triton export agree`, async () => {
    const metadata = (await (await fetch(`${urls[slot]}/v2/models/${slot}`)).json()) as ModelDescription;
    const info = ((await (await fetch(`${urls[slot]}/info`)).json()) as SlotInfo).model!;
    const inspected = await runCli(dataDir, ['inspect', '--json', slotBundleFile(dataDir, slot)]);
    assert.equal(inspected.code, 0, inspected.stderr);
    const { protocol } = JSON.parse(inspected.stdout) as { protocol: ModelDescription };
    const out = await tempDir('litecnn-description-');
    const exported = await runCli(dataDir, ['export', '--format', 'triton', '--slot', slot, '--force', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const modelDir = join(out, tritonModelName(metadata.name));
    const triton = fromTritonConfig(parsePbtxt(await readFile(join(modelDir, 'config.pbtxt'), 'utf8')));

    assert.deepEqual(info.protocol, metadata, '/info and /v2 metadata');
    assert.deepEqual(protocol, metadata, 'litecnn inspect and /v2 metadata');
    assert.equal(triton.name, tritonModelName(metadata.name));
    assert.deepEqual([triton.inputs, triton.outputs], [metadata.inputs, metadata.outputs], 'the Triton config\'s tensors, names, datatypes and shapes');
    assert.equal(triton.maxBatchSize, metadata.parameters.max_batch_size);
    await readFile(join(modelDir, metadata.versions[0], 'model.onnx')).then((onnx) => assert.ok(onnx.length > 0, 'the version folder is the protocol\'s version'));
    assert.deepEqual([metadata.versions, metadata.parameters.version, info.version], [['1'], info.version, protocol.parameters.version], 'the number, and the version people read beside it');
    assert.deepEqual(metadata.inputs[0].shape.slice(1), info.input.layout === 'NCHW' ? [3, info.input.height, info.input.width] : [info.input.height, info.input.width, 3]);
  });
}

test('a model that batches answers a batch in one infer request, each image as it answers alone; a batch over the limit is refused', async () => {
  const info = ((await (await fetch(`${urls.asis}/info`)).json()) as SlotInfo).model!;
  const { inputs: [input], outputs: [output], parameters } = info.protocol;
  assert.equal(parameters.max_batch_size, 8);
  const images = await Promise.all(['dog-golden-retriever.jpg', 'cat-persian.jpg'].map(async (name) => (await prepareImage(await readFile(fixtureImage(name)), info.input)).data));
  const infer = async (data: Float32Array[], extra: Record<string, unknown> = {}, batch = data.length): Promise<Response> => fetch(`${urls.asis}/v2/models/${info.name}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: input.name, datatype: 'FP32', shape: [batch, ...input.shape.slice(1)], data: data.flatMap((image) => Array.from(image)) }], ...extra }),
  });
  type Answer = { outputs: { shape: number[]; data: (number | string)[] }[] };
  const alone = await Promise.all(images.map(async (image) => ((await (await infer([image])).json()) as Answer).outputs[0]!.data as number[]));
  const batch = (await (await infer(images)).json()) as Answer;
  const classes = output.shape[1]!;
  assert.deepEqual(batch.outputs[0]!.shape, [2, classes]);
  for (const [i, single] of alone.entries()) {
    const row = (batch.outputs[0]!.data as number[]).slice(i * classes, (i + 1) * classes);
    assert.ok(row.every((value, j) => Math.abs(value - single[j]!) <= 1e-5), `image ${i} in the batch`);
  }
  const ranked = (await (await infer(images, { outputs: [{ name: output.name, parameters: { classification: 1 } }] })).json()) as Answer;
  assert.deepEqual(ranked.outputs[0]!.shape, [2, 1]);
  assert.deepEqual((ranked.outputs[0]!.data as string[]).map((entry) => entry.split(':')[2]), ['golden_retriever', 'persian']);
  // The shape is checked before the data: one image's numbers are enough to be told.
  const tooMany = await infer([images[0]!], {}, 9);
  assert.equal(tooMany.status, 400);
  assert.match(((await tooMany.json()) as { error: string }).error, /shape \[N \(1 to 8\)/);
});
