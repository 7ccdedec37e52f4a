import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { SLOT_IDS, type SlotId } from '../../src/shared/slot-api.js';
import { fixtureImage } from '../helpers/paths.js';
import { rawExchange } from '../helpers/raw-http.js';
import { countStatus, recordFigures, type CorpusFigures, type StatusCounts } from '../helpers/reliability-figures.js';
import { postMultipart, startTestHost } from '../helpers/running-host.js';

/**
 * At least 40 distinct bad (or merely unusual) requests, each sent byte for byte over a raw socket
 * to both slots: each gets its documented status within 1 s, correct requests keep being answered
 * between them, and the slot's memory stays bounded.
 */
const MAX_UPLOAD = 512 * 1024;
const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 700;
/** How far a slot's RSS may grow over the whole corpus. */
const RSS_BOUND_BYTES = 150 * 1024 * 1024;
const { host, url } = await startTestHost({ maxUploadBytes: MAX_UPLOAD, maxInputPixels: 40_000_000, headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
const jpeg = await readFile(fixtureImage('dog-golden-retriever.jpg'));
const png = await readFile(fixtureImage('cat-chelsea-tabby.png'));
const CRLF = '\r\n';

/** A PNG whose header claims 50000x50000 pixels: 2.5 gigapixels from a few dozen bytes. */
async function pixelBombPng(): Promise<Buffer> {
  const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  const bomb = Buffer.from(tiny);
  bomb.writeUInt32BE(50_000, 16);
  bomb.writeUInt32BE(50_000, 20);
  return bomb;
}

function form(parts: { name: string; bytes: Uint8Array | string; type?: string; filename?: string; extraHeaders?: string }[], boundary = 'XbOuNdArY7'): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '; filename="upload.jpg"' : part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}${CRLF}${disposition}${CRLF}${part.type ? `Content-Type: ${part.type}${CRLF}` : ''}${part.extraHeaders ?? ''}${CRLF}`), Buffer.from(part.bytes), Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

function post(body: Uint8Array, contentType: string | null, options: { path?: string; extraHeaders?: string; version?: string } = {}): (string | Uint8Array)[] {
  const head = `POST ${options.path ?? '/predict'} HTTP/${options.version ?? '1.1'}${CRLF}Host: 127.0.0.1${CRLF}${contentType === null ? '' : `Content-Type: ${contentType}${CRLF}`}Content-Length: ${body.length}${CRLF}Connection: close${CRLF}${options.extraHeaders ?? ''}${CRLF}`;
  return [head, body];
}

function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${extra}${CRLF}`;
}

const MULTIPART = 'multipart/form-data; boundary=XbOuNdArY7';

interface BadRequest {
  name: string;
  parts: () => Promise<(string | Uint8Array)[]> | (string | Uint8Array)[];
  /** The statuses the documentation allows for the (first) answer. */
  expect: number[];
  /** Every answer on the connection, in order, when several requests are sent at once. */
  expectAll?: number[];
  gapMs?: number;
}

const bomb = await pixelBombPng();
const svgBomb = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="100%" height="100%"/></svg>');
const CORPUS: BadRequest[] = [
  { name: 'empty multipart body', parts: () => post(Buffer.alloc(0), MULTIPART), expect: [400] },
  { name: 'empty raw image body', parts: () => post(Buffer.alloc(0), 'image/jpeg'), expect: [400] },
  { name: 'text sent as image/jpeg', parts: () => post(Buffer.from('hello, this is not a picture'), 'image/jpeg'), expect: [400] },
  { name: 'random bytes as octet-stream', parts: () => post(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'application/octet-stream'), expect: [400] },
  { name: 'truncated JPEG', parts: () => post(jpeg.subarray(0, Math.floor(jpeg.length / 3)), 'image/jpeg'), expect: [400] },
  { name: 'JPEG header only', parts: () => post(jpeg.subarray(0, 200), 'image/jpeg'), expect: [400] },
  { name: 'truncated PNG', parts: () => post(png.subarray(0, Math.floor(png.length / 2)), 'image/png'), expect: [400] },
  { name: 'PNG with a broken header chunk', parts: () => post(Buffer.concat([png.subarray(0, 16), Buffer.alloc(16, 0xff), png.subarray(32)]), 'image/png'), expect: [400] },
  { name: 'pixel bomb: a tiny PNG claiming 50000x50000', parts: () => post(bomb, 'image/png'), expect: [413] },
  { name: 'pixel bomb in a form', parts: () => { const body = form([{ name: 'image', bytes: bomb, type: 'image/png' }]); return post(body, MULTIPART); }, expect: [413] },
  { name: 'SVG claiming 100000x100000', parts: () => post(svgBomb, 'image/svg+xml'), expect: [413, 400] },
  { name: 'oversized raw body', parts: () => post(Buffer.alloc(MAX_UPLOAD + 1024, 1), 'image/jpeg'), expect: [413] },
  { name: 'oversized form', parts: () => post(form([{ name: 'image', bytes: Buffer.alloc(MAX_UPLOAD, 1) }]), MULTIPART), expect: [413] },
  { name: 'Content-Length of 1 GB announced, nothing sent', parts: () => [`POST /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: image/jpeg${CRLF}Content-Length: 1000000000${CRLF}${CRLF}`], expect: [413] },
  { name: 'wrong field name', parts: () => post(form([{ name: 'file', bytes: jpeg }]), MULTIPART), expect: [400] },
  { name: 'two image fields', parts: () => post(form([{ name: 'image', bytes: jpeg }, { name: 'image', bytes: jpeg }]), MULTIPART), expect: [400] },
  { name: 'empty image field', parts: () => post(form([{ name: 'image', bytes: '' }]), MULTIPART), expect: [400] },
  { name: 'form with only a text field', parts: () => post(form([{ name: 'note', bytes: 'hi', filename: '' }]), MULTIPART), expect: [400] },
  { name: 'boundary in the header differs from the body', parts: () => post(form([{ name: 'image', bytes: jpeg }], 'OtherBoundary'), MULTIPART), expect: [400] },
  { name: 'multipart without a boundary parameter', parts: () => post(form([{ name: 'image', bytes: jpeg }]), 'multipart/form-data'), expect: [400] },
  { name: 'multipart with no closing boundary', parts: () => post(Buffer.from(`--XbOuNdArY7${CRLF}Content-Disposition: form-data; name="image"${CRLF}${CRLF}`), MULTIPART), expect: [400] },
  { name: 'multipart body with only the closing boundary', parts: () => post(Buffer.from(`--XbOuNdArY7--${CRLF}`), MULTIPART), expect: [400] },
  { name: 'part headers of 20 KB', parts: () => post(form([{ name: 'image', bytes: jpeg, extraHeaders: `X-Filler: ${'a'.repeat(20_000)}${CRLF}` }]), MULTIPART), expect: [400] },
  { name: '30 parts', parts: () => post(form(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, bytes: 'x', filename: '' }))), MULTIPART), expect: [400] },
  { name: 'JSON content type', parts: () => post(Buffer.from('{"image":"aGVsbG8="}'), 'application/json'), expect: [415] },
  { name: 'text/plain content type', parts: () => post(Buffer.from('hello'), 'text/plain'), expect: [415] },
  { name: 'urlencoded form', parts: () => post(Buffer.from('image=abc'), 'application/x-www-form-urlencoded'), expect: [415] },
  { name: 'body without a content type', parts: () => post(jpeg, null), expect: [415] },
  { name: 'headers of 40 KB', parts: () => [get('/healthz', `X-Big: ${'b'.repeat(40_000)}${CRLF}`)], expect: [431] },
  { name: 'URL of 20 KB', parts: () => [get(`/predict?top=${'9'.repeat(20_000)}`)], expect: [431, 414] },
  { name: 'slow headers (slowloris)', parts: () => ['POST /predict HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n', 'X-D: 4\r\n'], gapMs: 150, expect: [408] },
  { name: 'slow body', parts: () => { const [head, body] = post(jpeg, 'image/jpeg'); const bytes = body as Buffer; return [head!, ...Array.from({ length: 10 }, (_, i) => bytes.subarray(i * 100, i * 100 + 100))]; }, gapMs: 120, expect: [408] },
  { name: 'HTTP/1.0 request (works, then closes)', parts: () => post(jpeg, 'image/jpeg', { version: '1.0' }), expect: [200] },
  { name: 'pipelined requests', parts: () => [`GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}${CRLF}GET /readyz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`], expect: [200], expectAll: [200, 200] },
  { name: 'path traversal', parts: () => [get('/../../etc/passwd')], expect: [404, 400] },
  { name: 'encoded path traversal', parts: () => [get('/%2e%2e/%2e%2e/etc/passwd')], expect: [404] },
  { name: 'double slash', parts: () => post(jpeg, 'image/jpeg', { path: '//predict' }), expect: [404] },
  { name: 'NUL in the path', parts: () => [get('/predict%00.jpg')], expect: [404, 400] },
  { name: 'upper-case route', parts: () => post(jpeg, 'image/jpeg', { path: '/PREDICT' }), expect: [404] },
  { name: 'GET /predict', parts: () => [get('/predict')], expect: [405] },
  { name: 'DELETE /predict', parts: () => [`DELETE /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Connection: close${CRLF}${CRLF}`], expect: [405] },
  { name: 'top=0', parts: () => post(jpeg, 'image/jpeg', { path: '/predict?top=0' }), expect: [400] },
  { name: 'top=abc', parts: () => post(jpeg, 'image/jpeg', { path: '/predict?top=abc' }), expect: [400] },
  { name: 'top beyond the labels', parts: () => post(jpeg, 'image/jpeg', { path: '/predict?top=100000' }), expect: [400] },
  { name: 'non-numeric Content-Length', parts: () => [`POST /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: image/jpeg${CRLF}Content-Length: abc${CRLF}${CRLF}`], expect: [400] },
  { name: 'Content-Length and Transfer-Encoding together (smuggling)', parts: () => [`POST /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: image/jpeg${CRLF}Content-Length: 4${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}0${CRLF}${CRLF}`], expect: [400] },
  { name: 'bad chunk size', parts: () => [`POST /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: image/jpeg${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}zz${CRLF}abc${CRLF}0${CRLF}${CRLF}`], expect: [400] },
  { name: 'chunked upload of a real photo (works)', parts: () => [`POST /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Content-Type: image/jpeg${CRLF}Transfer-Encoding: chunked${CRLF}Connection: close${CRLF}${CRLF}${jpeg.length.toString(16)}${CRLF}`, jpeg, `${CRLF}0${CRLF}${CRLF}`], expect: [200] },
  { name: 'unknown method', parts: () => [`BREW /predict HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}${CRLF}`], expect: [400] },
  { name: 'garbage request line', parts: () => ['\x16\x03\x01\x02\x00 not http at all\r\n\r\n'], expect: [400] },
  { name: 'header name with a space', parts: () => [`GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}Bad Header: x${CRLF}${CRLF}`], expect: [400] },
  { name: 'no Host header on HTTP/1.1', parts: () => [`GET /healthz HTTP/1.1${CRLF}Connection: close${CRLF}${CRLF}`], expect: [400] },
];

test(`a corpus of ${CORPUS.length} bad requests, on both slots: each gets its documented status within 1 s, and the slot keeps answering`, async () => {
  assert.ok(CORPUS.length >= 40);
  assert.equal(new Set(CORPUS.map((c) => c.name)).size, CORPUS.length, 'every case is distinct');
  const before = await host.status();
  const statuses: Record<SlotId, StatusCounts> = { asis: {}, tobe: {} };
  const goodRequests: Record<SlotId, number> = { asis: 0, tobe: 0 };
  for (const slot of SLOT_IDS) {
    const base = await url(slot);
    const port = Number(new URL(base).port);
    const failures: string[] = [];
    for (const [i, bad] of CORPUS.entries()) {
      const parts = await bad.parts();
      const exchange = await rawExchange(port, parts, { ...(bad.gapMs ? { gapMs: bad.gapMs } : {}), deadlineMs: 3_000 });
      const got = exchange.statuses;
      for (const status of got) countStatus(statuses[slot], status);
      const ok = bad.expectAll ? JSON.stringify(got) === JSON.stringify(bad.expectAll) : got.length >= 1 && bad.expect.includes(got[0]!);
      if (!ok) failures.push(`${bad.name}: expected ${JSON.stringify(bad.expectAll ?? bad.expect)}, got ${JSON.stringify(got)} ${exchange.text.slice(0, 160).replace(/\s+/g, ' ')}`);
      const afterLastByte = exchange.ms - (bad.gapMs ?? 0) * parts.length;
      if (afterLastByte > 1_000) failures.push(`${bad.name}: answered ${afterLastByte} ms after the last byte was sent (budget 1000 ms)`);
      if (got.some((s) => s >= 500)) failures.push(`${bad.name}: a server error ${JSON.stringify(got)}`);
      if (i % 5 === 4) {
        const good = await postMultipart(base, jpeg);
        goodRequests[slot]++;
        if (good.status !== 200) failures.push(`after ${bad.name}: a correct request got ${good.status}`);
      }
    }
    assert.deepEqual(failures, [], `${slot}:\n${failures.join('\n')}`);
  }
  const after = await host.status();
  for (const [i, slot] of after.slots.entries()) {
    assert.equal(slot.state, 'ready');
    assert.equal(slot.restarts, before.slots[i]!.restarts, `${slot.slot} never restarted`);
    assert.ok((slot.memory?.rssBytes ?? Infinity) < (before.slots[i]!.memory?.rssBytes ?? 0) + RSS_BOUND_BYTES, `${slot.slot} RSS ${slot.memory?.rssBytes} vs ${before.slots[i]!.memory?.rssBytes} before`);
  }
  const slots = Object.fromEntries(after.slots.map((slot, i) => [slot.slot, {
    statuses: statuses[slot.slot],
    goodRequests: goodRequests[slot.slot],
    restarts: slot.restarts,
    memory: { beforeBytes: before.slots[i]!.memory!.rssBytes, afterBytes: slot.memory!.rssBytes, boundBytes: RSS_BOUND_BYTES },
  }])) as CorpusFigures['slots'];
  await recordFigures('bad-request-corpus', { casesPerSlot: CORPUS.length, slots });
});
