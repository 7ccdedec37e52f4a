import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { EvalSummary } from '../../src/shared/eval-api.js';
import type { PredictResponse, SlotId } from '../../src/shared/slot-api.js';
import { EvalStore } from '../../src/main/eval/eval-store.js';
import { EVAL_CSV_HEADER } from '../../src/main/eval/eval-csv.js';
import { fixtureImage } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';
import { startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';

const { host, dataDir } = await startTestHost();
const PHOTOS = ['dog-golden-retriever.jpg', 'dog-siberian-husky.jpg', 'cat-persian.jpg', 'cat-grey-tabby.jpg', 'dog-labrador-puppy-street.jpg', 'other-bald-eagle.jpg'];

/** Both slots' answers on the dashboard's compare path (one decode), which evaluations use. */
async function compared(photo: string): Promise<Record<SlotId, PredictResponse>> {
  const result = await host.compare(await readFile(fixtureImage(photo)));
  return { asis: result.asis as PredictResponse, tobe: result.tobe as PredictResponse };
}

/**
 * A labelled set whose truth is known from each slot's own answers: the first photos sit in a
 * folder named after AS-IS's answer (written in another case and with underscores, as people
 * name folders), the rest in a folder that names no class (so unlabelled); one photo at the top
 * (unlabelled), one broken file.
 */
async function labelledSet(): Promise<{ dir: string; expected: { asisTop1: number; tobeTop1: number; agreed: number; compared: number; labelled: number } }> {
  const dir = await tempDir('litecnn-evalset-');
  const answers = await Promise.all(PHOTOS.map(async (photo) => ({ photo, ...(await compared(photo)) })));
  const expected = { asisTop1: 0, tobeTop1: 0, agreed: 0, compared: answers.length, labelled: 0 };
  for (const [i, { photo, asis, tobe }] of answers.entries()) {
    if (asis.predictions[0]!.label === tobe.predictions[0]!.label) expected.agreed++;
    if (i === answers.length - 1) {
      await symlink(fixtureImage(photo), join(dir, photo));
      continue;
    }
    const named = i < 3;
    const folder = named ? asis.predictions[0]!.breed_en.toUpperCase().replace(/ /g, '_') : 'not-a-breed';
    await mkdir(join(dir, folder), { recursive: true });
    await symlink(fixtureImage(photo), join(dir, folder, photo));
    if (named) {
      expected.labelled++;
      expected.asisTop1++;
      if (tobe.predictions[0]!.label === asis.predictions[0]!.label) expected.tobeTop1++;
    }
  }
  await writeFile(join(dir, 'broken.jpg'), Buffer.from('not really a jpeg'));
  await writeFile(join(dir, 'notes.txt'), 'ignored');
  await writeFile(join(dir, '.hidden.jpg'), 'ignored');
  return { dir, expected };
}

test('an evaluation counts accuracy, agreement and failures exactly as the slots answer, and stores CSV, report and summary', async () => {
  const { dir, expected } = await labelledSet();
  const summary = await host.evaluations.run(dir);
  assert.equal(summary.state, 'done');
  assert.equal(summary.images, PHOTOS.length + 1);
  assert.equal(summary.labelled, expected.labelled);
  assert.equal(summary.unreadable, 1);
  assert.equal(summary.asis.top1Correct, expected.asisTop1);
  assert.equal(summary.tobe.top1Correct, expected.tobeTop1);
  assert.equal(summary.asis.top1Accuracy, expected.asisTop1 / expected.labelled);
  assert.ok(summary.asis.top5Correct >= summary.asis.top1Correct);
  assert.equal(summary.asis.failed, 1);
  assert.deepEqual(summary.agreement, { compared: expected.compared, agreed: expected.agreed, rate: expected.agreed / expected.compared });
  assert.equal(summary.disagreementsTotal, expected.compared - expected.agreed);
  assert.equal(summary.disagreements.length, summary.disagreementsTotal);
  assert.equal(summary.asis.latency.count, PHOTOS.length);
  assert.ok(summary.asis.latency.p50Ms! > 0 && summary.asis.latency.p99Ms! >= summary.asis.latency.p50Ms!);
  assert.ok(summary.decodeP50Ms! > 0);
  assert.deepEqual(summary.unknownClasses, ['not-a-breed'], 'a folder that names no class is not a class');
  assert.equal(summary.classes.reduce((sum, c) => sum + c.images, 0), expected.labelled);

  const files = new EvalStore(dataDir).files(summary.id);
  const csv = await readFile(files.csv, 'utf8');
  assert.ok(csv.startsWith(EVAL_CSV_HEADER));
  assert.equal(csv.trim().split('\r\n').length, 1 + PHOTOS.length + 1);
  assert.match(csv, /broken\.jpg/);
  const report = await readFile(files.report, 'utf8');
  assert.match(report, new RegExp(summary.setName));
  const thumbnails = await readdir(files.thumbnails);
  assert.equal(thumbnails.length, summary.disagreements.filter((d) => d.thumbnail).length);
  for (const disagreement of summary.disagreements) assert.ok(disagreement.thumbnail && thumbnails.includes(disagreement.thumbnail));

  const stored = await host.evaluations.list();
  assert.deepEqual(stored.find((s) => s.id === summary.id), summary);
});

test('the control API runs one, streams its progress, and serves the stored files', async () => {
  const { dir } = await labelledSet();
  const events: string[] = [];
  const finished = new Promise<EvalSummary>((resolve) => {
    const listener = (event: { type: string; data: unknown }): void => {
      events.push(event.type);
      if (event.type === 'eval') {
        host.off('event', listener);
        resolve(event.data as EvalSummary);
      }
    };
    host.on('event', listener);
  });
  const auth = { authorization: `Bearer ${host.controlToken}` };
  const started = await fetch(`${host.controlUrl}/api/evals`, { method: 'POST', body: JSON.stringify({ dir }), headers: { ...auth, 'content-type': 'application/json' } });
  assert.equal(started.status, 200);
  const { id, found } = (await started.json()) as { id: string; found: number };
  assert.equal(found, PHOTOS.length + 1);
  const second = await fetch(`${host.controlUrl}/api/evals`, { method: 'POST', body: JSON.stringify({ dir }), headers: { ...auth, 'content-type': 'application/json' } });
  assert.equal(second.status, 409, 'one evaluation at a time');
  const summary = await finished;
  assert.equal(summary.id, id);
  assert.ok(events.includes('eval-progress'));
  const csv = await fetch(`${host.controlUrl}/api/evals/${id}/results.csv`, { headers: auth });
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  assert.ok((await csv.text()).startsWith(EVAL_CSV_HEADER));
  const report = await fetch(`${host.controlUrl}/api/evals/${id}/report.html`, { headers: auth });
  assert.match(await report.text(), /<html/i);
  const missing = await fetch(`${host.controlUrl}/api/evals/20990101-000000-abcdef`, { headers: auth });
  assert.equal(missing.status, 404);
  const traversal = await fetch(`${host.controlUrl}/api/evals/${id}/thumbnails/..%2F..%2Fsummary.json`, { headers: auth });
  assert.equal(traversal.status, 404);
});

test('`litecnn eval DIR` prints the comparison and copies the CSV and report; bad folders are clear errors', async () => {
  const { dir } = await labelledSet();
  const out = await tempDir('litecnn-evalout-');
  const run = await runCli(dataDir, ['eval', dir, '--csv', join(out, 'r.csv'), '--html', join(out, 'r.html')]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /agreement: \d/);
  assert.match(run.stdout, /top-1/);
  assert.ok((await readFile(join(out, 'r.csv'), 'utf8')).startsWith(EVAL_CSV_HEADER));
  assert.match(await readFile(join(out, 'r.html'), 'utf8'), /<html/i);
  const list = await runCli(dataDir, ['eval', '--list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /done/);
  const missing = await runCli(dataDir, ['eval', join(out, 'nope')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /EVAL_SET_INVALID|is not a folder/);
  const empty = await tempDir('litecnn-emptyset-');
  const none = await runCli(dataDir, ['eval', empty]);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /has no images/);
});

test('a relative folder is resolved by the CLI, refused by the API; folders that name no class leave their images unlabelled', async () => {
  const dir = await tempDir('litecnn-dated-');
  await mkdir(join(dir, '2023-summer'));
  for (const photo of PHOTOS.slice(0, 3)) await symlink(fixtureImage(photo), join(dir, '2023-summer', photo));
  const auth = { authorization: `Bearer ${host.controlToken}`, 'content-type': 'application/json' };
  const refused = await fetch(`${host.controlUrl}/api/evals`, { method: 'POST', body: JSON.stringify({ dir: 'photos/breeds' }), headers: auth });
  assert.equal(refused.status, 400);
  assert.match(((await refused.json()) as { error: { message: string } }).error.message, /relative path/);
  const run = await runCli(dataDir, ['eval', relative(process.cwd(), dir), '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as EvalSummary;
  assert.equal(summary.setDir, dir);
  assert.equal(summary.labelled, 0, 'a date is not a class');
  assert.deepEqual(summary.unknownClasses, ['2023-summer']);
  assert.equal(summary.asis.top1Accuracy, null);
});

test('a slot that stops answering fails the evaluation instead of counting its silence as wrong answers', async () => {
  const dir = await tempDir('litecnn-longset-');
  for (let i = 0; i < 300; i++) await symlink(fixtureImage(PHOTOS[i % PHOTOS.length]!), join(dir, `${String(i).padStart(3, '0')}.jpg`));
  const started = await host.evaluations.start(dir);
  const finished = new Promise<EvalSummary>((resolve) => host.evaluations.once('finished', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await host.slots.tobe.stop();
  const summary = await finished;
  await host.slots.tobe.start();
  assert.equal(summary.id, started.id);
  assert.equal(summary.state, 'failed');
  assert.match(summary.error ?? '', /TO-BE slot stopped answering/);
  assert.equal(summary.tobe.failed, 0, 'no image was counted as a TO-BE failure');
  assert.ok(summary.images < 300);
});

test('a cancelled evaluation is kept, marked cancelled, with what it counted so far', async () => {
  const dir = await tempDir('litecnn-bigset-');
  for (let i = 0; i < 60; i++) await symlink(fixtureImage(PHOTOS[i % PHOTOS.length]!), join(dir, `${String(i).padStart(3, '0')}.jpg`));
  const started = await host.evaluations.start(dir);
  const summary = await host.evaluations.cancel(started.id);
  assert.equal(summary.state, 'cancelled');
  assert.ok(summary.images < 60, `${summary.images} images before the cancel took effect`);
  assert.equal((await host.evaluations.get(started.id)).state, 'cancelled');
});

test('an evaluation a stopped host left running is marked failed at the next start', async () => {
  const store = new EvalStore(await tempDir('litecnn-evalstore-'));
  const id = EvalStore.newId();
  const { csv } = await store.create(id);
  csv.destroy();
  const stub = (await host.evaluations.list())[0]!;
  await store.saveSummary({ ...stub, id, state: 'running', finishedAt: null });
  await store.markInterrupted();
  const after = await store.get(id);
  assert.equal(after.state, 'failed');
  assert.match(after.error ?? '', /host stopped/);
});

/** Successful predictions per source in a slot's /metrics (`litecnn_predict_seconds_count`). */
async function predictionsBySource(slot: SlotId): Promise<Record<string, number>> {
  const { url } = (await host.status()).slots.find((s) => s.slot === slot)!;
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(/^litecnn_predict_seconds_count\{([^}]*)\} (\d+)$/gmu)) {
    counts[/source="([^"]+)"/u.exec(labels!)![1]!] = Number(value);
  }
  return counts;
}

test("a slot's metrics count the host's compare and evaluation requests apart from clients'", async () => {
  const photo = await readFile(fixtureImage(PHOTOS[0]!));
  const before = { asis: await predictionsBySource('asis'), tobe: await predictionsBySource('tobe') };
  await host.compare(photo);
  const { url } = (await host.status()).slots.find((s) => s.slot === 'asis')!;
  const answer = await fetch(`${url}/predict`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg', 'x-litecnn-source': 'made-up' } });
  assert.equal(answer.status, 200);
  const set = await tempDir('litecnn-evalset-');
  await symlink(fixtureImage(PHOTOS[1]!), join(set, PHOTOS[1]!));
  await symlink(fixtureImage(PHOTOS[2]!), join(set, PHOTOS[2]!));
  assert.equal((await host.evaluations.run(set)).state, 'done');
  for (const slot of ['asis', 'tobe'] as const) {
    const now = await predictionsBySource(slot);
    const added = (source: string): number => (now[source] ?? 0) - (before[slot][source] ?? 0);
    assert.deepEqual({ compare: added('compare'), eval: added('eval'), client: added('client') }, { compare: 1, eval: 2, client: slot === 'asis' ? 1 : 0 }, `${slot}: an unknown source header counts as a client`);
  }
});

test('stored evaluations beyond evaluationsKept are removed when one ends, oldest first by start time; a running one stays', async () => {
  const store = host.evaluations.store;
  const stub = (await host.evaluations.list())[0]!;
  /** A stored evaluation that began at `startedAt`, with id `id`. */
  const stored = async (id: string, startedAt: string, state: EvalSummary['state'] = 'done'): Promise<string> => {
    (await store.create(id)).csv.destroy();
    await store.saveSummary({ ...stub, id, startedAt, state, finishedAt: state === 'running' ? null : startedAt });
    return id;
  };
  // Two begun in the same second: their ids sort one way, their start times the other.
  const laterOfSecond = await stored('20200101-000000-000001', '2020-01-01T00:00:00.900Z');
  const earlierOfSecond = await stored('20200101-000000-ffffff', '2020-01-01T00:00:00.100Z');
  const leftRunning = await stored('20190101-000000-000000', '2019-01-01T00:00:00.000Z', 'running');
  const listed = (await host.evaluations.list()).map((summary) => summary.id);
  assert.ok(listed.indexOf(laterOfSecond) < listed.indexOf(earlierOfSecond), 'newest first by start time');

  host.updateSettings({ evaluationsKept: 3 });
  try {
    const set = await tempDir('litecnn-evalset-');
    await symlink(fixtureImage(PHOTOS[0]!), join(set, PHOTOS[0]!));
    const newest = await host.evaluations.run(set);
    const kept = (await host.evaluations.list()).map((summary) => summary.id);
    assert.deepEqual(kept.slice(0, 3), [newest.id, ...listed.filter((id) => id !== leftRunning).slice(0, 2)], 'the newest three');
    assert.deepEqual(kept, [...kept.slice(0, 3), leftRunning], 'a running one is never removed');
    const folders = (await readdir(join(dataDir, 'evals'))).sort();
    assert.deepEqual(folders, [...kept].sort(), 'the removed ones are gone from disk');
    assert.ok(!folders.includes(earlierOfSecond) && !folders.includes(laterOfSecond));
  } finally {
    host.updateSettings({ evaluationsKept: 200 });
  }
});
