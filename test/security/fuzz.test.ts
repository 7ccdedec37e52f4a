import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../src/shared/errors.js';
import type { ModelManifest } from '../../src/shared/model-manifest.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { BUNDLE_HEADER_BYTES, decodeBundle, encodeBundle, sha256Hex } from '../../src/main/model/bundle-format.js';
import { uploadedImage } from '../../src/main/slot/upload-image.js';
import type { PreparedImage } from '../../src/main/inference/input-tensor.js';
import { prepareImage } from '../../src/main/inference/preprocess.js';
import { REPO_ROOT, fixtureImage } from '../helpers/paths.js';
import { recordFigures, type FuzzFigures } from '../helpers/reliability-figures.js';
import { liteCnnBundle } from '../helpers/training-runs.js';

/**
 * The bundle the reader is fuzzed with: a LiteCNN bundle (82 KB) in the format of the bundled
 * models. Most mutations change a bundle's length, and each run copies it: with the 4.2 MB
 * weights/model_8891.bin, the copies alone took 7 ms a run.
 */
const BUNDLE_FILE = 'litecnn-7.bin';
const BUNDLE_BYTES = liteCnnBundle(7);
const BASE = decodeBundle(BUNDLE_BYTES, BUNDLE_FILE);
const MANIFEST_END = BUNDLE_HEADER_BYTES + BUNDLE_BYTES.readUInt32LE(12);
/** A sync call taking this long counts as a hang (a real decode takes about a millisecond). */
const SYNC_CALL_LIMIT_MS = 5_000;
const IMAGE_CALL_LIMIT_MS = 10_000;

/** fast-check options: a fixed seed so every run sees the same inputs, and the failing call's own error in the report. */
function fuzzRuns<T>(seed: number, numRuns: number, more: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed, numRuns, includeErrorInReport: true, ...more };
}

// ---- outcomes ------------------------------------------------------------------------------

type Outcome<T> = { value: T } | { code: ErrorCode };

/** The code of an expected failure: a LiteCnnError with an allowed code and status; anything else fails. */
function expectedCode(error: unknown, allowed: readonly ErrorCode[], statuses: readonly number[]): ErrorCode {
  if (!(error instanceof LiteCnnError)) assert.fail(`threw something other than a LiteCnnError: ${error instanceof Error ? error.stack : String(error)}`);
  assert.ok(allowed.includes(error.code), `unexpected code ${error.code}: ${error.message}`);
  assert.ok(statuses.includes(error.httpStatus), `unexpected HTTP status ${error.httpStatus} for ${error.code}`);
  return error.code;
}

/** Runs one fuzzed sync call under the watchdog: its result, or the code of the expected error. */
function syncOutcome<T>(guard: Guard, call: () => T, allowed: readonly ErrorCode[], statuses: readonly number[]): Outcome<T> {
  try {
    return { value: guard(call) };
  } catch (error) {
    return { code: expectedCode(error, allowed, statuses) };
  }
}

const figures: FuzzFigures = { properties: [] };
after(() => recordFigures('fuzz', figures));

/** Counts outcomes, so a test can show its inputs reached every path it claims to cover. */
class Tally {
  readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** Checks every run was counted and each of `keys` was reached, and reports the counts in the test output and the figures. */
  assertCovers(t: TestContext, runs: number, keys: readonly string[]): void {
    const seen = Object.fromEntries(this.counts);
    t.diagnostic(`outcomes: ${JSON.stringify(seen)}`);
    figures.properties.push({ name: t.name, inputs: runs, outcomes: seen });
    assert.equal([...this.counts.values()].reduce((a, b) => a + b, 0), runs, 'every run was counted');
    for (const key of keys) assert.ok(this.counts.has(key), `no input reached "${key}" (seen: ${JSON.stringify(seen)})`);
  }
}

// ---- hang watchdog ---------------------------------------------------------------------------

type Guard = <T>(call: () => T) => T;

// A synchronous call that never returns blocks every timer on this thread, so a worker watches it.
const WATCHDOG_SOURCE = `
const { workerData: { state, what, limitMs } } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let last = -1;
setInterval(() => {
  const started = Atomics.load(state, 0);
  if (started === last && started !== Atomics.load(state, 1)) {
    writeSync(2, what + ': fuzzed call #' + started + ' did not return within ' + limitMs + ' ms (a hang); the test\\'s fixed seed reproduces it\\n');
    process.kill(process.pid, 'SIGKILL');
  }
  last = started;
}, limitMs);`;

/** Runs `body` with a guard that counts calls started and finished for the watchdog worker. */
async function withWatchdog(what: string, body: (guard: Guard) => void): Promise<void> {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { state, what, limitMs: SYNC_CALL_LIMIT_MS } });
  await once(worker, 'online');
  try {
    body((call) => {
      Atomics.add(state, 0, 1);
      try {
        return call();
      } finally {
        Atomics.add(state, 1, 1);
      }
    });
  } finally {
    await worker.terminate();
  }
}

/** Rejects when a promise has not settled in time (sharp works off the main thread, so timers still run). */
async function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- byte mutations --------------------------------------------------------------------------

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'overwrite'; at: number; bytes: Uint8Array }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'replaceAll'; from: string; to: string };

/** Mutations of a `size`-byte input, three in four of them within its first `hotEnd` bytes (headers). */
function mutationArb(size: number, hotEnd: number): fc.Arbitrary<Mutation> {
  const at = fc.oneof({ arbitrary: fc.nat({ max: Math.min(hotEnd, size) - 1 }), weight: 3 }, { arbitrary: fc.nat({ max: size - 1 }), weight: 1 });
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 64 });
  const length = fc.integer({ min: 1, max: 512 });
  return fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ op: fc.constant('overwrite' as const), at, bytes }),
    fc.record({ op: fc.constant('insert' as const), at, bytes }),
    fc.record({ op: fc.constant('delete' as const), at, length }),
    fc.record({ op: fc.constant('duplicate' as const), at, length }),
    fc.record({ op: fc.constant('truncate' as const), at }),
  );
}

/** A mutated copy; positions past the (possibly shortened) end clamp to it. */
function mutate(original: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(original);
  for (const m of mutations) {
    if (m.op === 'replaceAll') {
      bytes = Buffer.from(bytes.toString('latin1').replaceAll(m.from, m.to), 'latin1');
      continue;
    }
    const at = Math.min(m.at, bytes.length);
    if (m.op === 'flip' && at < bytes.length) bytes[at] ^= 1 << m.bit;
    else if (m.op === 'overwrite') bytes.set(m.bytes.subarray(0, bytes.length - at), at);
    else if (m.op === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    else if (m.op === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    else if (m.op === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at, at + m.length), bytes.subarray(at + m.length)]);
    else if (m.op === 'truncate') bytes = bytes.subarray(0, at);
  }
  return bytes;
}

// ---- 1. bundle reader ------------------------------------------------------------------------

const BUNDLE_CODES: ErrorCode[] = ['BUNDLE_TRUNCATED', 'BUNDLE_BAD_MAGIC', 'BUNDLE_UNKNOWN_VERSION', 'BUNDLE_MANIFEST_NOT_JSON', 'BUNDLE_MANIFEST_INVALID', 'BUNDLE_HASH_MISMATCH'];

/** decodeBundle on `bytes`: a bundle whose ONNX bytes match its manifest, or a typed bundle error naming the file. */
function decodeOutcome(guard: Guard, bytes: Buffer, tally: Tally): void {
  const result = syncOutcome(guard, () => decodeBundle(bytes, BUNDLE_FILE), BUNDLE_CODES, [422]);
  if ('code' in result) return tally.add(result.code);
  assert.equal(result.value.onnx.length, result.value.manifest.onnx.bytes);
  assert.equal(sha256Hex(result.value.onnx), result.value.manifest.onnx.sha256);
  tally.add('decoded');
}

const MANIFEST_LENGTH = MANIFEST_END - BUNDLE_HEADER_BYTES;
const ONNX_LENGTH = BASE.onnx.length;

type HeaderEdit = { field: 'version'; value: number } | { field: 'manifestLength'; value: number } | { field: 'onnxLength'; value: bigint } | { field: 'split'; shift: number };

/** Edits of the header: version, manifest length, ONNX length, or the manifest/ONNX split moved with the total kept. */
const headerEditArb: fc.Arbitrary<HeaderEdit> = fc.oneof(
  fc.record({ field: fc.constant('version' as const), value: fc.oneof(fc.constantFrom(0, 2, 0xffffffff), fc.nat()) }),
  fc.record({ field: fc.constant('manifestLength' as const), value: fc.oneof(fc.constantFrom(0, 1, MANIFEST_LENGTH - 1, MANIFEST_LENGTH + 1, 0x7fffffff, 0xffffffff), fc.nat()) }),
  fc.record({ field: fc.constant('onnxLength' as const), value: fc.oneof(fc.constantFrom(0n, 1n, BigInt(ONNX_LENGTH - 1), BigInt(ONNX_LENGTH + 1), 2n ** 53n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
  fc.record({ field: fc.constant('split' as const), shift: fc.integer({ min: -MANIFEST_LENGTH, max: ONNX_LENGTH }) }),
);

function editHeader(bytes: Buffer, edit: HeaderEdit): void {
  if (bytes.length < BUNDLE_HEADER_BYTES) return;
  if (edit.field === 'version') bytes.writeUInt32LE(edit.value, 8);
  else if (edit.field === 'manifestLength') bytes.writeUInt32LE(edit.value, 12);
  else if (edit.field === 'onnxLength') bytes.writeBigUInt64LE(edit.value, 16);
  else {
    bytes.writeUInt32LE(MANIFEST_LENGTH + edit.shift, 12);
    bytes.writeBigUInt64LE(BigInt(ONNX_LENGTH - edit.shift), 16);
  }
}

const BUNDLE_MUTATION_RUNS = 2000;
test(`bundle reader: ${BUNDLE_MUTATION_RUNS} seeded byte mutations and header edits of a model bundle give a bundle or a typed error, never a crash or hang`, async (t) => {
  const tally = new Tally();
  await withWatchdog('bundle byte mutations', (guard) => {
    fc.assert(fc.property(
      fc.array(mutationArb(BUNDLE_BYTES.length, MANIFEST_END), { minLength: 1, maxLength: 4 }),
      fc.array(headerEditArb, { maxLength: 2 }),
      (mutations, headerEdits) => {
        const bytes = mutate(BUNDLE_BYTES, mutations);
        for (const edit of headerEdits) editHeader(bytes, edit);
        decodeOutcome(guard, bytes, tally);
      },
    ), fuzzRuns(8891, BUNDLE_MUTATION_RUNS));
  });
  tally.assertCovers(t, BUNDLE_MUTATION_RUNS, BUNDLE_CODES);
});

type JsonPath = (string | number)[];
const MANIFEST_PATHS: JsonPath[] = [
  ['name'], ['version'], ['created'], ['source'], ['source', 'kind'], ['input'], ['input', 'width'], ['input', 'height'],
  ['input', 'layout'], ['input', 'colorOrder'], ['input', 'mean'], ['input', 'std', 1], ['input', 'resize'], ['input', 'resize', 'mode'],
  ['input', 'resize', 'shorterSide'], ['output'], ['output', 'kind'], ['labels'], ['labels', 0], ['labels', 1, 'id'], ['labels', 2, 'ko'],
  ['onnx'], ['onnx', 'sha256'], ['onnx', 'bytes'], ['__proto__'], ['constructor', 'prototype'],
];
const interestingValue = fc.constantFrom<unknown>('', 0, -1, 1, 1.5, 4097, 8192, null, true, [], {}, 'x'.repeat(300), 'NHWC', 'cover',
  BASE.manifest.labels[0]!.id, BASE.manifest.onnx.sha256.toUpperCase(), ONNX_LENGTH, ONNX_LENGTH + 1);

/** The manifest with the value at `path` replaced (or deleted when `value` is undefined). */
function editManifest(manifest: ModelManifest, path: JsonPath, value: unknown): unknown {
  const copy = structuredClone(manifest) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const MANIFEST_EDIT_RUNS = 500;
test(`bundle reader: ${MANIFEST_EDIT_RUNS} seeded manifest edits, re-framed with correct lengths, give a consistent bundle or a typed error`, async (t) => {
  const tally = new Tally();
  await withWatchdog('bundle manifest edits', (guard) => {
    fc.assert(fc.property(
      fc.array(fc.record({ path: fc.constantFrom(...MANIFEST_PATHS), value: fc.oneof(fc.jsonValue(), interestingValue, fc.constant(undefined)) }), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      (edits, wholeManifestIsJunk) => {
        let manifest: unknown = BASE.manifest;
        for (const { path, value } of edits) manifest = editManifest(manifest as ModelManifest, path, value);
        if (wholeManifestIsJunk) manifest = edits[0]!.value ?? null;
        decodeOutcome(guard, encodeBundle(manifest as ModelManifest, BASE.onnx), tally);
      },
    ), fuzzRuns(8892, MANIFEST_EDIT_RUNS));
  });
  tally.assertCovers(t, MANIFEST_EDIT_RUNS, ['decoded', 'BUNDLE_MANIFEST_INVALID']);
});

const GARBAGE_RUNS = 500;
test(`bundle reader: ${GARBAGE_RUNS} seeded random byte strings (bare, after the magic, after a whole header) give a typed error`, async (t) => {
  const tally = new Tally();
  const prefixes = [Buffer.alloc(0), BUNDLE_BYTES.subarray(0, 8), BUNDLE_BYTES.subarray(0, BUNDLE_HEADER_BYTES)];
  await withWatchdog('bundle garbage', (guard) => {
    fc.assert(fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 4096, size: 'max' }), (prefix, garbage) => {
      decodeOutcome(guard, Buffer.concat([prefix, garbage]), tally);
      assert.ok(!tally.counts.has('decoded'), 'random bytes never decode as a bundle');
    }), fuzzRuns(8893, GARBAGE_RUNS));
  });
  tally.assertCovers(t, GARBAGE_RUNS, ['BUNDLE_TRUNCATED', 'BUNDLE_BAD_MAGIC']);
});

// ---- 2. upload path --------------------------------------------------------------------------

const UPLOAD_CODES: ErrorCode[] = ['NO_IMAGE_FIELD', 'BAD_REQUEST', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
const UPLOAD_STATUSES = [400, 413, 415];

interface FormPart { name: string; filename: string | null; contentType: string | null; content: Uint8Array }
/** One more header line on one part (`part` is taken modulo the number of parts). */
interface ExtraHeader { part: number; line: string }

const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const token = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 16 });
// RFC 2046 boundary characters, without the space (it may not end a boundary).
const boundaryArb = fc.string({ unit: fc.constantFrom(...ALNUM, ...`'()+_,-./:=?`), minLength: 1, maxLength: 70 });

function partArb(name: fc.Arbitrary<string>): fc.Arbitrary<FormPart> {
  return fc.record({
    name,
    filename: fc.option(token.map((t) => `${t}.jpg`)),
    contentType: fc.option(fc.constantFrom('image/jpeg', 'image/png', 'text/plain', 'application/octet-stream')),
    content: fc.uint8Array({ minLength: 1, maxLength: 2048 }),
  });
}

function formBody(boundary: string, parts: readonly FormPart[], extra: ExtraHeader | null = null): Buffer {
  const chunks: Buffer[] = [];
  for (const [i, part] of parts.entries()) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n`;
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    if (extra && extra.part % parts.length === i) head += `${extra.line}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

interface FormContentType { upper: boolean; quoted: boolean; before: string; after: string }
const formContentTypeArb: fc.Arbitrary<FormContentType> = fc.record({ upper: fc.boolean(), quoted: fc.boolean(), before: fc.constantFrom('', 'charset=utf-8; '), after: fc.constantFrom('', '; foo=bar') });
function formContentType(boundary: string, style: FormContentType): string {
  return `${style.upper ? 'MULTIPART/FORM-DATA' : 'multipart/form-data'}; ${style.before}boundary=${style.quoted ? `"${boundary}"` : boundary}${style.after}`;
}

function upload(guard: Guard, body: Buffer, contentType: string, maxUploadBytes: number, tally: Tally): Uint8Array | null {
  const request = { body, headers: { 'content-type': contentType } } as unknown as FastifyRequest;
  const result = syncOutcome(guard, () => uploadedImage(request, maxUploadBytes), UPLOAD_CODES, UPLOAD_STATUSES);
  if ('code' in result) {
    tally.add(result.code);
    return null;
  }
  assert.ok(result.value instanceof Uint8Array && result.value.length > 0, 'a non-empty byte array');
  // The answer is a piece of what was sent: never bytes from anywhere else.
  const { buffer, byteOffset, length } = result.value;
  assert.ok(body.includes(Buffer.from(buffer, byteOffset, length)), 'the image bytes come from the body');
  tally.add('image');
  return result.value;
}

const CLEAN_FORM_RUNS = 500;
test(`upload: ${CLEAN_FORM_RUNS} seeded well-formed forms return exactly the "image" field, wherever it is among other fields`, async (t) => {
  const tally = new Tally();
  await withWatchdog('upload clean forms', (guard) => {
    fc.assert(fc.property(
      boundaryArb, formContentTypeArb,
      fc.array(partArb(token.filter((n) => n !== 'image')), { maxLength: 4 }),
      partArb(fc.constant('image')), fc.nat(),
      (boundary, style, others, image, position) => {
        const parts = [...others];
        parts.splice(position % (others.length + 1), 0, image);
        fc.pre(parts.every((p) => !Buffer.from(p.content).includes(`\r\n--${boundary}`)));
        const body = formBody(boundary, parts);
        const bytes = upload(guard, body, formContentType(boundary, style), body.length, tally);
        assert.ok(bytes && Buffer.from(bytes).equals(image.content), `returns the image field exactly (${JSON.stringify(Object.fromEntries(tally.counts))})`);
      },
    ), fuzzRuns(1001, CLEAN_FORM_RUNS));
  });
  tally.assertCovers(t, CLEAN_FORM_RUNS, ['image']);
});

const MUTATED_FORM_RUNS = 2500;
// Part headers around the parser's 8 KiB limit.
const hugeHeaderArb: fc.Arbitrary<ExtraHeader | null> = fc.oneof({ arbitrary: fc.constant(null), weight: 2 },
  fc.record({ part: fc.nat(), line: fc.constantFrom(100, 8_100, 8_192, 8_193, 20_000).map((n) => `X-Pad: ${'a'.repeat(n)}`) }));
/** The form's own boundary in some style, another boundary, or some other content type. */
type ContentTypeCase = { style: FormContentType; boundary: string | null } | { literal: string };
const contentTypeCaseArb: fc.Arbitrary<ContentTypeCase> = fc.oneof(
  { arbitrary: fc.record({ style: formContentTypeArb, boundary: fc.constant(null) }), weight: 3 },
  fc.record({ style: formContentTypeArb, boundary: boundaryArb }),
  fc.record({ literal: fc.oneof(
  fc.constantFrom('', 'multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary=""', 'multipart/form-data; boundary=;',
    'multipart/mixed; boundary=x', 'image/jpeg', 'application/octet-stream', 'text/plain', 'multipart/form-datax; boundary=b'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `multipart/form-data; boundary=${s}`),
  ) }),
);
const crlfEdit = fc.constantFrom<Mutation>(
  { op: 'replaceAll', from: '\r\n', to: '\n' }, { op: 'replaceAll', from: '\r\n', to: '' }, { op: 'replaceAll', from: '\r\n\r\n', to: '\r\n' },
  { op: 'replaceAll', from: '--', to: '-' }, { op: 'replaceAll', from: '"', to: '' }, { op: 'replaceAll', from: 'name=', to: 'nam=' },
);

test(`upload: ${MUTATED_FORM_RUNS} seeded mutated forms and content types (boundaries, CRLFs, bytes, many parts, huge part headers, small limits) give an image or a 400/413/415 error`, async (t) => {
  const tally = new Tally();
  await withWatchdog('upload mutated forms', (guard) => {
    fc.assert(fc.property(
      boundaryArb,
      fc.array(partArb(fc.oneof(token, fc.constant('image'), fc.string({ unit: 'binary', maxLength: 20 }))), { maxLength: 24, size: 'max' }),
      hugeHeaderArb,
      contentTypeCaseArb,
      fc.array(fc.oneof({ arbitrary: mutationArb(1 << 15, 2048), weight: 3 }, crlfEdit), { maxLength: 4 }),
      fc.constantFrom(16, 1024, 1 << 20),
      (boundary, parts, extraHeader, contentType, mutations, maxUploadBytes) => {
        const type = 'literal' in contentType ? contentType.literal : formContentType(contentType.boundary ?? boundary, contentType.style);
        upload(guard, mutate(formBody(boundary, parts, extraHeader), mutations), type, maxUploadBytes, tally);
      },
    ), fuzzRuns(1002, MUTATED_FORM_RUNS));
  });
  tally.assertCovers(t, MUTATED_FORM_RUNS, ['image', 'NO_IMAGE_FIELD', 'BAD_REQUEST']);
});

const RANDOM_BODY_RUNS = 500;
test(`upload: ${RANDOM_BODY_RUNS} seeded random bodies with a multipart content type give an image or a 400 error`, async (t) => {
  const tally = new Tally();
  await withWatchdog('upload random bodies', (guard) => {
    fc.assert(fc.property(boundaryArb, fc.constantFrom('', '--', '\r\n--'), fc.boolean(), fc.uint8Array({ maxLength: 4096, size: 'max' }),
      (boundary, lead, withBoundary, garbage) => {
        const body = Buffer.concat([Buffer.from(withBoundary ? `${lead}${boundary}\r\n` : lead), garbage]);
        upload(guard, body, `multipart/form-data; boundary=${boundary}`, 1 << 20, tally);
      }), fuzzRuns(1003, RANDOM_BODY_RUNS));
  });
  tally.assertCovers(t, RANDOM_BODY_RUNS, ['BAD_REQUEST']);
});

// ---- 3. image preprocess ---------------------------------------------------------------------

const IMAGE_CODES: ErrorCode[] = ['NOT_AN_IMAGE', 'CORRUPT_IMAGE', 'IMAGE_TOO_LARGE'];
const IMAGE_NAMES = ['dog-golden-retriever-tiny.jpg', 'other-granny-smith-apple.jpg', 'dog-siberian-husky.jpg', 'other-cameraman-grayscale.png', 'cat-chelsea-tabby.png'];

/** Sets the pixel size in a PNG's IHDR (with its CRC fixed, so the size itself is what gets tested) or a JPEG's SOF0/SOF2. */
function setImageSize(bytes: Buffer, width: number, height: number): void {
  if (bytes.length >= 33 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    bytes.writeUInt32BE(width >>> 0, 16);
    bytes.writeUInt32BE(height >>> 0, 20);
    bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
    return;
  }
  for (let i = 2; i + 9 <= bytes.length; i++) {
    if (bytes[i] === 0xff && (bytes[i + 1] === 0xc0 || bytes[i + 1] === 0xc2)) {
      bytes.writeUInt16BE(height & 0xffff, i + 5);
      bytes.writeUInt16BE(width & 0xffff, i + 7);
      return;
    }
  }
}

const IMAGE_RUNS = 400;
test(`image preprocess: ${IMAGE_RUNS} seeded mutated, truncated and resized-header JPEG/PNG fixtures resolve or reject with a typed error within ${IMAGE_CALL_LIMIT_MS / 1000} s each`, async (t) => {
  const images = await Promise.all(IMAGE_NAMES.map((name) => readFile(fixtureImage(name))));
  const asis = join(REPO_ROOT, 'weights', 'model_8891.bin');
  const spec = decodeBundle(await readFile(asis), asis).manifest.input;
  const size = fc.oneof(fc.constantFrom(0, 1, 16_383, 65_535, 100_000, 0x7fffffff), fc.integer({ min: 0, max: 70_000 }));
  const tally = new Tally();
  const imageCase = fc.nat({ max: images.length - 1 }).chain((index) => fc.record({
    name: fc.constant(IMAGE_NAMES[index]!),
    newSize: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, fc.tuple(size, size)),
    mutations: fc.array(mutationArb(images[index]!.length, 1024), { maxLength: 3 }),
  }));
  // No shrinking: a timed-out call keeps running off-thread and would slow the retries down.
  await fc.assert(fc.asyncProperty(imageCase, async ({ name, newSize, mutations }) => {
    const bytes = Buffer.from(images[IMAGE_NAMES.indexOf(name)]!);
    if (newSize) setImageSize(bytes, ...newSize);
    let prepared: PreparedImage;
    try {
      prepared = await withinTime(prepareImage(mutate(bytes, mutations), spec), IMAGE_CALL_LIMIT_MS);
    } catch (error) {
      return tally.add(expectedCode(error, IMAGE_CODES, [400, 413]));
    }
    assert.deepEqual(prepared.dims, [1, 3, spec.height, spec.width]);
    assert.equal(prepared.data.length, 3 * spec.height * spec.width);
    assert.ok(prepared.data.every(Number.isFinite), 'finite tensor values');
    tally.add('prepared');
  }), fuzzRuns(2024, IMAGE_RUNS, { endOnFailure: true }));
  tally.assertCovers(t, IMAGE_RUNS, ['prepared', ...IMAGE_CODES]);
});
