import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import type { PredictResponse, SlotInfo } from '../../src/shared/slot-api.js';
import { fixtureImage } from '../helpers/paths.js';
import { postMultipart, startTestHost } from '../helpers/running-host.js';

const MAX_UPLOAD = 256 * 1024;
const { url } = await startTestHost({ maxUploadBytes: MAX_UPLOAD });
const urls = { asis: await url('asis'), tobe: await url('tobe') };
const photo = await readFile(fixtureImage('dog-golden-retriever.jpg'));

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 10, 'the message says what to do');
  return body.error;
}

test('multipart predict, exactly as the old `curl -F image=@x.jpg`, on both slots', async () => {
  for (const slot of ['asis', 'tobe'] as const) {
    const response = await postMultipart(urls[slot], photo);
    assert.equal(response.status, 200);
    const body = (await response.json()) as PredictResponse;
    assert.equal(body.predictions.length, 5);
    for (const [i, p] of body.predictions.entries()) {
      assert.ok(p.score >= 0 && p.score <= 1);
      assert.ok(p.breed_ko && p.breed_en && p.label);
      if (i > 0) assert.ok(p.score <= body.predictions[i - 1]!.score, 'best first');
    }
    assert.equal(body.model.slot, slot);
    assert.match(body.model.sha256, /^[0-9a-f]{64}$/);
    assert.ok(body.timing_ms.total >= body.timing_ms.inference && body.timing_ms.inference > 0);
  }
});

test('the two slots serve different models', async () => {
  const [asis, tobe] = await Promise.all([postMultipart(urls.asis, photo), postMultipart(urls.tobe, photo)]);
  const a = (await asis.json()) as PredictResponse;
  const b = (await tobe.json()) as PredictResponse;
  assert.notEqual(a.model.sha256, b.model.sha256);
  assert.notEqual(a.model.version, b.model.version);
});

test('a raw image/* body works too, and ?top=N picks how many', async () => {
  const response = await fetch(`${urls.asis}/predict?top=3`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(response.status, 200);
  const raw = (await response.json()) as PredictResponse;
  assert.equal(raw.predictions.length, 3);
  const multipart = (await (await postMultipart(urls.asis, photo)).json()) as PredictResponse;
  assert.deepEqual(raw.predictions, multipart.predictions.slice(0, 3), 'same answer either way');
});

test('client errors are JSON { error: { code, message } } with the documented status', async () => {
  const text = new TextEncoder().encode('just some text');
  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    ['empty body', () => fetch(`${urls.asis}/predict`, { method: 'POST' }), 400, 'NO_IMAGE_FIELD'],
    ['wrong field name', () => postMultipart(urls.asis, photo, 'file'), 400, 'NO_IMAGE_FIELD'],
    ['not an image', () => postMultipart(urls.asis, text, 'image', 'text/plain'), 400, 'NOT_AN_IMAGE'],
    ['corrupt image', () => postMultipart(urls.asis, photo.subarray(0, 4000)), 400, 'CORRUPT_IMAGE'],
    ['multipart over the limit', () => postMultipart(urls.asis, Buffer.alloc(MAX_UPLOAD + 10, 1)), 413, 'BODY_TOO_LARGE'],
    ['raw body over the limit', () => fetch(`${urls.asis}/predict`, { method: 'POST', body: Buffer.alloc(MAX_UPLOAD + 10, 1), headers: { 'content-type': 'image/png' } }), 413, 'BODY_TOO_LARGE'],
    ['unsupported type', () => fetch(`${urls.asis}/predict`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['json body', () => fetch(`${urls.asis}/predict`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['bad top', () => fetch(`${urls.asis}/predict?top=0`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } }), 400, 'BAD_REQUEST'],
    ['top above the label count', () => fetch(`${urls.asis}/predict?top=124`, { method: 'POST', body: photo, headers: { 'content-type': 'image/jpeg' } }), 400, 'BAD_REQUEST'],
    ['unknown path', () => fetch(`${urls.asis}/nope`), 404, 'NOT_FOUND'],
    ['wrong method', () => fetch(`${urls.asis}/predict`), 405, 'METHOD_NOT_ALLOWED'],
  ];
  for (const [name, send, status, code] of cases) {
    const response = await send();
    assert.equal(response.status, status, name);
    assert.equal((await errorOf(response)).code, code, name);
  }
  const allowed = await fetch(`${urls.asis}/predict`, { method: 'DELETE' });
  assert.equal(allowed.headers.get('allow'), 'POST');
  await allowed.body?.cancel();
});

test('a malformed multipart body is a 400, and the slot keeps serving', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(`${urls.tobe}/predict`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end('--XYZ\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nabc');
  });
  assert.ok(status === 400 || status === 413, `got ${status}`);
  assert.equal((await postMultipart(urls.tobe, photo)).status, 200);
});

test('healthz, readyz and info describe the slot', async () => {
  assert.deepEqual(await (await fetch(`${urls.asis}/healthz`)).json(), { status: 'ok', slot: 'asis' });
  const ready = (await (await fetch(`${urls.tobe}/readyz`)).json()) as { ready: boolean; model: { version: string } };
  assert.equal(ready.ready, true);
  assert.equal(ready.model.version, '1.1.0-exp.1');
  const info = (await (await fetch(`${urls.asis}/info`)).json()) as SlotInfo;
  assert.equal(info.slot, 'asis');
  assert.equal(info.port, Number(new URL(urls.asis).port));
  assert.equal(info.model?.labels, 123);
  assert.equal(info.model?.input.width, 224);
  assert.equal(info.model?.source.license, 'Apache-2.0');
  assert.match(info.model?.source.note ?? '', /pretrained MobileNetV2-12 int8/);
  assert.ok(info.requests.predictions >= 1 && info.requests.errors >= 1);
  assert.ok(info.latencyMs.p50! > 0 && info.latencyMs.p99! >= info.latencyMs.p50!);
  assert.ok(info.memory.rssBytes > 10_000_000);
});

test('metrics are Prometheus text with requests, latency histograms, model info and memory', async () => {
  const response = await fetch(`${urls.asis}/metrics`);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  const text = await response.text();
  assert.match(text, /litecnn_http_requests_total\{route="\/predict",status="200",source="client",slot="asis"\} \d+/);
  assert.match(text, /litecnn_http_requests_total\{route="\/predict",status="415",source="client",slot="asis"\} \d+/);
  assert.match(text, /litecnn_preprocess_seconds_bucket\{le="0.05",slot="asis",source="client"\} \d+/);
  assert.match(text, /litecnn_inference_seconds_count\{slot="asis",source="client"\} \d+/);
  assert.match(text, /litecnn_model_info\{name="mobilenetv2-pets",version="1.0.0",sha256="[0-9a-f]{64}",slot="asis"\} 1/);
  assert.match(text, /litecnn_process_resident_memory_bytes\{slot="asis"\} \d+/);
});

test('a multipart photo of several megabytes is accepted up to the default 20 MB limit', async () => {
  const { url: defaultUrl } = await startTestHost();
  // Random pixels do not compress: about 6 MB of PNG, like a large phone photo.
  const noise = Buffer.alloc(1500 * 1400 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const big = await sharp(noise, { raw: { width: 1500, height: 1400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  assert.ok(big.length > 5 * 1024 * 1024, `${big.length} bytes`);
  const response = await postMultipart(await defaultUrl('asis'), big, 'image', 'image/png');
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(((await response.json()) as PredictResponse).predictions.length, 5);
});

test('many different photos in flight at once each get their own answer (upload buffers are reused safely)', async () => {
  const names = ['cat-abyssinian-type.jpg', 'other-banana.jpg', 'dog-siberian-husky.jpg', 'other-goldfish.jpg', 'other-rocket-launch.jpg', 'cat-orange-kitten.jpg'];
  const photos = await Promise.all(names.map((name) => readFile(fixtureImage(name))));
  const one = async (bytes: Buffer): Promise<PredictResponse['predictions']> => {
    const response = await postMultipart(urls.asis, bytes, 'image', 'image/jpeg');
    assert.equal(response.status, 200);
    return ((await response.json()) as PredictResponse).predictions;
  };
  const alone = [];
  for (const bytes of photos) alone.push(await one(bytes));
  for (let round = 0; round < 4; round++) {
    const together = await Promise.all(photos.map((bytes) => one(bytes)));
    for (const [i, predictions] of together.entries()) assert.deepEqual(predictions, alone[i], `${names[i]} in round ${round}`);
  }
});

test('a body shorter than its Content-Length is refused, and the slot goes on serving', async () => {
  const { port } = new URL(urls.asis);
  const status = await new Promise<number | string>((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/predict', headers: { 'content-type': 'image/jpeg', 'content-length': photo.length } }, (response) => resolve(response.statusCode ?? 0));
    request.on('error', (error) => resolve(error.message));
    request.write(photo.subarray(0, 1000));
    setTimeout(() => request.destroy(), 200);
  });
  assert.notEqual(status, 200);
  assert.equal((await postMultipart(urls.asis, photo)).status, 200);
});
