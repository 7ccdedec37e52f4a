import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, symlink } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import type { ModelInputSpec } from '../../src/shared/model-manifest.js';
import { REQUEST_SOURCE_HEADER, type PredictResponse, type SlotInfo } from '../../src/shared/slot-api.js';
import { MAX_MIRRORS_WAITING, MIRROR_IDLE_GAP_MS, ShadowMirror } from '../../src/main/slot/shadow-mirror.js';
import { inputSpecKey } from '../../src/main/model/input-spec-key.js';
import { fixtureImage } from '../helpers/paths.js';
import { processState, statFieldsFromState } from '../helpers/process-threads.js';
import { eventually, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const PHOTOS = ['dog-golden-retriever.jpg', 'dog-siberian-husky.jpg', 'cat-persian.jpg', 'cat-grey-tabby.jpg', 'dog-labrador-puppy-street.jpg', 'other-bald-eagle.jpg'];

async function info(base: string): Promise<SlotInfo> {
  return (await (await fetch(`${base}/info`)).json()) as SlotInfo;
}

async function predict(base: string, bytes: Buffer): Promise<PredictResponse> {
  const response = await fetch(`${base}/predict`, { method: 'POST', body: bytes, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(response.status, 200);
  return (await response.json()) as PredictResponse;
}

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

const run = promisify(execFile);
/** SCHED_IDLE exists on Linux only; elsewhere TO-BE is only niced. */
const POLICIES = process.platform === 'linux';

/** The distinct nice values and scheduling policies of a process's threads (Linux /proc; elsewhere `ps`, niceness only). */
async function threadPriorities(pid: number): Promise<{ niceness: number[]; policies: number[] }> {
  if (!POLICIES) return { niceness: [Number((await run('ps', ['-o', 'nice=', '-p', String(pid)])).stdout.trim())], policies: [] };
  const { readdir } = await import('node:fs/promises');
  const tasks = await readdir(`/proc/${pid}/task`);
  const fields = await Promise.all(tasks.map(async (tid) => statFieldsFromState(await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8'))));
  // Fields 19 (nice) and 41 (policy) of proc(5), counted from the state, field 3.
  return { niceness: [...new Set(fields.map((f) => Number(f[16])))], policies: [...new Set(fields.map((f) => Number(f[38])))] };
}

test('at 100%, every AS-IS /predict is mirrored to TO-BE after AS-IS answered; agreement, disagreement samples and kept images match what each slot answers', async () => {
  const { host, dataDir, url } = await startTestHost({ shadowPercent: 100, shadowKeepImages: true });
  const [asis, tobe] = [await url('asis'), await url('tobe')];
  const tobeBefore = (await info(tobe)).requests.predictions;
  const photos = await Promise.all(PHOTOS.map((name) => readFile(fixtureImage(name))));
  const answers = [];
  for (const [i, photo] of photos.entries()) {
    answers.push({ photo, asis: await predict(asis, photo) });
    // One at a time, so that none is dropped for TO-BE being busy (dropping is tested below).
    await eventually(async () => {
      const { agreed, disagreed, failed } = (await info(asis)).shadow!;
      assert.equal(agreed + disagreed + failed, i + 1);
    });
  }
  const shadow = await eventually(async () => {
    const stats = (await info(asis)).shadow!;
    assert.equal(stats.agreed + stats.disagreed + stats.failed, PHOTOS.length);
    return stats;
  });
  assert.equal(shadow.mirrored, PHOTOS.length);
  assert.equal(shadow.failed, 0);
  assert.equal(shadow.dropped, 0);
  assert.equal((await info(tobe)).requests.predictions - tobeBefore, PHOTOS.length, 'TO-BE answered each mirrored request');
  const tobeMetrics = await (await fetch(`${tobe}/metrics`)).text();
  assert.match(tobeMetrics, new RegExp(`^litecnn_predict_seconds_count\\{slot="tobe",source="shadow"\\} ${PHOTOS.length}$`, 'mu'), 'TO-BE counts mirrors as shadow traffic');
  let disagreements = 0;
  for (const { photo, asis: asisAnswer } of answers) {
    const tobeAnswer = await predict(tobe, photo);
    const agree = asisAnswer.predictions[0]!.label === tobeAnswer.predictions[0]!.label;
    if (agree) continue;
    disagreements++;
    const sha = createHash('sha256').update(photo).digest('hex');
    const sample = shadow.samples.find((s) => s.imageSha256 === sha);
    assert.ok(sample, 'the disagreement is sampled, by hash');
    assert.equal(sample.asis.label, asisAnswer.predictions[0]!.label);
    assert.equal(sample.tobe.label, tobeAnswer.predictions[0]!.label);
    assert.ok(sample.imageFile);
    assert.deepEqual(await readFile(join(dataDir, 'shadow', sample.imageFile)), photo, 'the kept image is the request\'s');
    const served = await fetch(`${host.controlUrl}/api/shadow/images/${sample.imageFile}`, { headers: { authorization: `Bearer ${host.controlToken}` } });
    assert.equal(served.headers.get('content-type'), 'image/jpeg');
  }
  assert.equal(shadow.disagreed, disagreements);
  assert.equal(shadow.agreementRate, (PHOTOS.length - disagreements) / PHOTOS.length);
  const metrics = await (await fetch(`${asis}/metrics`)).text();
  assert.match(metrics, new RegExp(`litecnn_shadow_requests_total\\{outcome="mirrored",slot="asis"\\} ${PHOTOS.length}`));
  const tobePid = (await host.slots.tobe.status()).pid!;
  await eventually(async () => assert.deepEqual(await threadPriorities(tobePid), { niceness: [10], policies: POLICIES ? [SCHED_IDLE] : [] }, 'TO-BE yields the CPU to production'));
  assert.deepEqual(await threadPriorities((await host.slots.asis.status()).pid!), { niceness: [0], policies: POLICIES ? [SCHED_OTHER] : [] });

  assert.equal(shadow.models?.tobe.sha256, (await info(tobe)).model!.sha256, 'the figures name the models they are about');

  host.updateSettings({ shadowPercent: 0 });
  await eventually(async () => assert.equal((await info(asis)).shadow!.percent, 0));
  await predict(asis, photos[0]!);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await info(asis)).shadow!.mirrored, PHOTOS.length, 'off: nothing more is mirrored');
  await host.slots.tobe.restart();
  assert.deepEqual(await threadPriorities((await host.slots.tobe.status()).pid!), { niceness: [0], policies: POLICIES ? [SCHED_OTHER] : [] }, 'off: TO-BE runs at normal priority from its next start');
});

test('AS-IS holds TO-BE\'s process still while it serves a client and a mirror is in flight, lets it go on after, and counts the pause; the host\'s own compare requests hold nothing', async () => {
  const { host, url } = await startTestHost({ shadowPercent: 100 });
  const asis = await url('asis');
  const tobePid = (await host.slots.tobe.status()).pid!;
  const photos = await Promise.all(PHOTOS.slice(0, 2).map((name) => readFile(fixtureImage(name))));
  // Held still by the test, TO-BE keeps the first mirror in flight for as long as it needs.
  process.kill(tobePid, 'SIGSTOP');
  try {
    await predict(asis, photos[0]!);
    await eventually(async () => assert.equal((await info(asis)).shadow!.mirrored, 1));
    const compare = await fetch(`${asis}/predict`, { method: 'POST', body: photos[1]!, headers: { 'content-type': 'image/jpeg', [REQUEST_SOURCE_HEADER]: 'compare' } });
    assert.equal(compare.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await processState(tobePid), 'T', 'a compare request neither held nor let go TO-BE');
    assert.equal((await info(asis)).shadow!.targetPauses.pauses, 0);
    await predict(asis, photos[1]!);
    await eventually(async () => assert.notEqual(await processState(tobePid), 'T', 'AS-IS let TO-BE go on once the client\'s request ended'), 5_000, 10);
  } finally {
    process.kill(tobePid, 'SIGCONT');
  }
  const shadow = await eventually(async () => {
    const stats = (await info(asis)).shadow!;
    assert.equal(stats.mirrored, 3, 'the first request, then both that followed it (sampling takes any image upload)');
    assert.equal(stats.agreed + stats.disagreed, stats.mirrored);
    return stats;
  });
  assert.equal(shadow.targetPauses.pauses, 1, 'one pause: the client request while the first mirror was in flight');
  assert.ok(shadow.targetPauses.pausedMs > 0);
  const metrics = await (await fetch(`${asis}/metrics`)).text();
  assert.match(metrics, /^litecnn_shadow_target_pauses_total\{slot="asis"\} 1$/mu);
  assert.match(metrics, /^litecnn_shadow_target_paused_seconds_total\{slot="asis"\} 0\.\d+/mu);
});

test('while an evaluation runs, AS-IS is given no TO-BE pid to hold still, so TO-BE\'s measured latencies hold no pause; after it, the pid again', async () => {
  const { host } = await startTestHost({ shadowPercent: 100 });
  const tobePid = (await host.slots.tobe.status()).pid!;
  const sent: { targetPid: number | null; evaluating: boolean }[] = [];
  const configure = host.slots.asis.configureShadow.bind(host.slots.asis);
  host.slots.asis.configureShadow = (shadow) => {
    sent.push({ targetPid: shadow.targetPid, evaluating: host.evaluations.running });
    configure(shadow);
  };
  const dir = await tempDir();
  for (const name of PHOTOS) await symlink(fixtureImage(name), join(dir, name));
  const summary = await host.evaluations.run(dir);
  assert.equal(summary.state, 'done');
  assert.ok(sent.some((s) => s.evaluating && s.targetPid === null), 'no pid while it ran');
  await eventually(() => assert.deepEqual(sent.at(-1), { targetPid: tobePid, evaluating: false }));
});

test('a restarted AS-IS keeps mirroring: it takes the shadow settings the host sends right after starting it', async () => {
  const { host, url } = await startTestHost({ shadowPercent: 100 });
  await host.slots.asis.restart();
  const asis = await url('asis');
  assert.equal((await info(asis)).shadow!.percent, 100);
  await predict(asis, await readFile(fixtureImage(PHOTOS[0]!)));
  await eventually(async () => assert.equal((await info(asis)).shadow!.agreed + (await info(asis)).shadow!.disagreed, 1));
});

test('when AS-IS ends while it holds TO-BE still, the host lets TO-BE go on', async () => {
  const { host } = await startTestHost({ shadowPercent: 100 });
  const tobePid = (await host.slots.tobe.status()).pid!;
  const asisPid = (await host.slots.asis.status()).pid!;
  // As AS-IS would hold it mid-pause; AS-IS is then killed, so it can never send SIGCONT itself.
  process.kill(tobePid, 'SIGSTOP');
  process.kill(asisPid, 'SIGKILL');
  try {
    await eventually(async () => assert.notEqual(await processState(tobePid), 'T'), 5_000, 20);
  } finally {
    process.kill(tobePid, 'SIGCONT');
  }
  assert.equal((await host.slots.tobe.status()).state, 'ready');
});

test('shadow mode is off by default, and with TO-BE stopped AS-IS keeps answering and mirrors nothing', async () => {
  const { host, url } = await startTestHost();
  const asis = await url('asis');
  const photo = await readFile(fixtureImage(PHOTOS[0]!));
  await predict(asis, photo);
  assert.deepEqual({ ...(await info(asis)).shadow!, samples: [] }, { models: null, percent: 0, keepImages: false, targetReady: true, mirrored: 0, agreed: 0, disagreed: 0, failed: 0, dropped: 0, agreementRate: null, samples: [], targetPauses: { pauses: 0, pausedMs: 0 } });
  assert.equal((await info(await url('tobe'))).shadow, null, 'TO-BE does not mirror');
  host.updateSettings({ shadowPercent: 100 });
  await host.slots.tobe.stop();
  await eventually(async () => assert.equal((await info(asis)).shadow!.targetReady, false));
  await predict(asis, photo);
  const { mirrored, dropped } = (await info(asis)).shadow!;
  assert.deepEqual({ mirrored, dropped }, { mirrored: 0, dropped: 0 }, 'not even sampled');
});

test('a mirror sends TO-BE the tensor when their input specs match, the image when not, and the image after a 409', async () => {
  const seen: { type: string; bytes: number }[] = [];
  let refuseTensors = false;
  let holdAnswers = false;
  const held: (() => void)[] = [];
  const answer: PredictResponse = { predictions: [{ label: 'a', breed_en: 'A', breed_ko: 'A', score: 1 }], model: { slot: 'tobe', name: 'm', version: '1', sha256: 'x' }, timing_ms: { preprocess: 0, inference: 0, total: 0 } };
  const server = createServer(async (request: IncomingMessage, response) => {
    let bytes = 0;
    for await (const chunk of request) bytes += (chunk as Buffer).length;
    const type = request.headers['content-type'] ?? '';
    seen.push({ type, bytes });
    if (refuseTensors && type.includes('tensor')) {
      response.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'TENSOR_SPEC_MISMATCH', message: 'changed' } }));
      return;
    }
    const send = (): void => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    if (holdAnswers) held.push(send);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const spec = { width: 2, height: 2, layout: 'NCHW', colorOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: { mode: 'fill' } } as const;
  const mirror = new ShadowMirror(await tempDir());
  const target = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, input: { ...spec, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number], resize: { mode: 'fill' as const } } };
  mirror.configure({ percent: 100, keepImages: false, target, targetPid: null });
  assert.equal(mirror.sample(), true);
  assert.equal(mirror.targetSpecKey, inputSpecKey(target.input));
  const image = new Uint8Array(100);
  const tensor = { data: new Float32Array(12), specKey: inputSpecKey(target.input) };
  const giveBackImage = (): void => undefined;
  mirror.mirror({ image, tensor, giveBackImage }, answer);
  await eventually(() => assert.equal(seen.length, 1));
  assert.deepEqual(seen[0], { type: 'application/vnd.litecnn.tensor', bytes: 48 });
  mirror.mirror({ image, tensor: null, giveBackImage }, answer);
  await eventually(() => assert.equal(seen.length, 2));
  assert.deepEqual(seen[1], { type: 'application/octet-stream', bytes: 100 });
  refuseTensors = true;
  mirror.mirror({ image, tensor, giveBackImage }, answer);
  await eventually(() => assert.equal(seen.length, 4));
  assert.equal(seen[3]!.type, 'application/octet-stream');
  await eventually(() => assert.equal(mirror.stats().agreed, 3));

  let busy = true;
  mirror.useIdleSince(() => (busy ? null : Number.NEGATIVE_INFINITY));
  holdAnswers = true;
  for (let i = 0; i < MAX_MIRRORS_WAITING + 2; i++) mirror.mirror({ image, tensor: null, giveBackImage }, answer);
  assert.equal(mirror.stats().dropped, 2, 'beyond the waiting limit, mirrors are dropped');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(held.length, 0, 'nothing is sent while AS-IS is busy');
  busy = false;
  mirror.wake();
  await eventually(() => assert.equal(held.length, 1));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(held.length, 1, 'one mirror in flight at a time');
  while (mirror.stats().agreed < 3 + MAX_MIRRORS_WAITING) {
    await eventually(() => assert.ok(held.length > 0));
    held.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(mirror.stats().mirrored, 3 + MAX_MIRRORS_WAITING, 'every waiting mirror was sent in turn');
  holdAnswers = false;
  const before = mirror.stats();
  assert.equal(before.models?.tobe.sha256, 'x');
  answer.model = { ...answer.model, sha256: 'y', version: '2' };
  mirror.mirror({ image, tensor: null, giveBackImage }, { ...answer, model: { ...answer.model, sha256: 'x', version: '1' } });
  await eventually(() => assert.equal(mirror.stats().models?.tobe.sha256, 'y'));
  const afresh = mirror.stats();
  assert.deepEqual({ mirrored: afresh.mirrored, agreed: afresh.agreed, dropped: afresh.dropped }, { mirrored: 1, agreed: 1, dropped: 0 }, 'a new TO-BE model starts the counts afresh');
  mirror.configure({ percent: 0, keepImages: false, target, targetPid: null });
  assert.equal(mirror.sample(), false);
});

test('a sampled request\'s mirror holds the upload itself and gives it back once answered or dropped; its tensor is copied into reused buffers (no fresh external memory for V8 to collect)', async () => {
  const answer: PredictResponse = { predictions: [{ label: 'a', breed_en: 'A', breed_ko: 'A', score: 1 }], model: { slot: 'tobe', name: 'm', version: '1', sha256: 'x' }, timing_ms: { preprocess: 0, inference: 0, total: 0 } };
  const server = createServer(async (request: IncomingMessage, response) => {
    for await (const _ of request);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const spec: ModelInputSpec = { width: 2, height: 2, layout: 'NCHW', colorOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: { mode: 'fill' } };
  const mirror = new ShadowMirror(await tempDir());
  mirror.configure({ percent: 100, keepImages: false, target: { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, input: spec }, targetPid: null });
  const image = Uint8Array.from({ length: 100 }, (_, i) => i);
  const tensor = { data: Float32Array.from({ length: 12 }, (_, i) => i / 2), specKey: inputSpecKey(spec) };
  const givenBack: string[] = [];
  const lend = (name: string): (() => void) => () => void givenBack.push(name);

  const first = mirror.ticket(image, tensor, lend('first'));
  assert.equal(first.image, image, 'the upload itself, not a copy');
  assert.deepEqual([...first.tensor!.data], [...tensor.data]);
  assert.notEqual(first.tensor!.data.buffer, tensor.data.buffer, 'a copy: AS-IS\'s tensor moves to its inference thread');
  mirror.mirror(first, answer);
  await eventually(() => assert.equal(mirror.stats().agreed, 1));
  assert.deepEqual(givenBack, ['first'], 'the answered mirror gave the upload back');
  const second = mirror.ticket(image, tensor, lend('second'));
  assert.equal(second.tensor!.data.buffer, first.tensor!.data.buffer, 'the answered mirror\'s tensor copy is reused');
  assert.deepEqual([...second.tensor!.data], [...tensor.data]);

  mirror.useIdleSince(() => null);
  mirror.mirror(second, answer);
  for (let i = 1; i < MAX_MIRRORS_WAITING; i++) mirror.mirror(mirror.ticket(image, null, lend(`waiting ${i}`)), answer);
  const dropped = mirror.ticket(image, tensor, lend('dropped'));
  mirror.mirror(dropped, answer);
  assert.equal(mirror.stats().dropped, 1);
  assert.deepEqual(givenBack, ['first', 'dropped'], 'a dropped mirror gives the upload back at once');
  assert.equal(mirror.ticket(image, tensor, lend('next')).tensor!.data.buffer, dropped.tensor!.data.buffer, 'and its tensor copy');
  mirror.configure({ percent: 0, keepImages: false, target: null, targetPid: null });
  assert.deepEqual(givenBack.slice(2).sort(), ['second', ...Array.from({ length: MAX_MIRRORS_WAITING - 1 }, (_, i) => `waiting ${i + 1}`)].sort(), 'turning shadow mode off gives back what was waiting');
});

test('a mirror goes only after AS-IS has paused for the idle gap: requests that follow each other closely hold it back', async () => {
  let received = 0;
  const answer: PredictResponse = { predictions: [{ label: 'a', breed_en: 'A', breed_ko: 'A', score: 1 }], model: { slot: 'tobe', name: 'm', version: '1', sha256: 'x' }, timing_ms: { preprocess: 0, inference: 0, total: 0 } };
  const server = createServer(async (request: IncomingMessage, response) => {
    for await (const _ of request);
    received++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  assert.ok(MIRROR_IDLE_GAP_MS > 0, 'the slot waits for a pause by default');
  const idleGapMs = 150;
  const mirror = new ShadowMirror(await tempDir(), { idleGapMs });
  const spec: ModelInputSpec = { width: 2, height: 2, layout: 'NCHW', colorOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: { mode: 'fill' } };
  mirror.configure({ percent: 100, keepImages: false, target: { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, input: spec }, targetPid: null });
  // AS-IS as a closed loop keeps it: a request ends, the next arrives 10 ms later and takes 20 ms.
  let idleSince: number | null = performance.now();
  mirror.useIdleSince(() => idleSince);
  mirror.mirror({ image: new Uint8Array(10), tensor: null, giveBackImage: () => undefined }, answer);
  const loopUntil = performance.now() + 3 * idleGapMs;
  while (performance.now() < loopUntil) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    idleSince = null;
    await new Promise((resolve) => setTimeout(resolve, 20));
    idleSince = performance.now();
    mirror.wake();
  }
  assert.equal(received, 0, 'no pause was long enough');
  const pausedAt = performance.now();
  await eventually(() => assert.equal(received, 1));
  assert.ok(performance.now() - pausedAt >= idleGapMs - 5, 'sent once the pause reached the gap');
  await eventually(() => assert.equal(mirror.stats().agreed, 1));
});
