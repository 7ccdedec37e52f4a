import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { ModelManifest } from '../../src/shared/model-manifest.js';
import { BUNDLE_HEADER_BYTES, decodeBundle, encodeBundle, sha256Hex } from '../../src/main/model/bundle-format.js';
import { readBundleFile, writeBundleFile } from '../../src/main/model/bundle-file.js';
import { LiteCnnError } from '../../src/main/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const onnx = Buffer.from('pretend these are ONNX bytes');

function manifest(overrides: Partial<ModelManifest> = {}): ModelManifest {
  return {
    name: 'test-model',
    version: '1.0.0',
    created: '2026-01-01T00:00:00.000Z',
    source: { kind: 'generated' },
    input: { width: 32, height: 32, layout: 'NCHW', colorOrder: 'RGB', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], resize: { mode: 'fill' } },
    output: { kind: 'logits' },
    labels: [{ id: 'a', en: 'A', ko: '가' }, { id: 'b', en: 'B', ko: '나' }],
    onnx: { sha256: sha256Hex(onnx), bytes: onnx.length },
    ...overrides,
  };
}

function decodeFails(bytes: Buffer, code: string, mentions: RegExp): void {
  assert.throws(() => decodeBundle(bytes, '/weights/model_8892.bin'), (error: unknown) => {
    assert.ok(error instanceof LiteCnnError, 'a typed error');
    assert.equal(error.code, code);
    assert.match(error.message, /\/weights\/model_8892\.bin/, 'names the file');
    assert.match(error.message, mentions);
    return true;
  });
}

test('a bundle round-trips manifest and ONNX bytes', () => {
  const bytes = encodeBundle(manifest(), onnx);
  const decoded = decodeBundle(bytes, 'x');
  assert.deepEqual(decoded.manifest, manifest());
  assert.deepEqual(Buffer.from(decoded.onnx), onnx);
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'LCNNBNDL');
});

test('bad magic is refused', () => {
  const bytes = encodeBundle(manifest(), onnx);
  bytes.write('NOTABUND', 0, 'latin1');
  decodeFails(bytes, 'BUNDLE_BAD_MAGIC', /litecnn pack/);
});

test('an unknown format version is refused', () => {
  const bytes = encodeBundle(manifest(), onnx);
  bytes.writeUInt32LE(99, 8);
  decodeFails(bytes, 'BUNDLE_UNKNOWN_VERSION', /version 99/);
});

test('a file shorter than the header is truncated', () => {
  decodeFails(encodeBundle(manifest(), onnx).subarray(0, 10), 'BUNDLE_TRUNCATED', /header/);
});

test('a file cut inside the model is truncated', () => {
  const bytes = encodeBundle(manifest(), onnx);
  decodeFails(bytes.subarray(0, bytes.length - 5), 'BUNDLE_TRUNCATED', /promises \d+ bytes/);
});

test('bytes after the model are refused', () => {
  decodeFails(Buffer.concat([encodeBundle(manifest(), onnx), Buffer.from('junk')]), 'BUNDLE_TRUNCATED', /unexpected bytes/);
});

test('a manifest that is not JSON is refused', () => {
  const bytes = encodeBundle(manifest(), onnx);
  bytes.write('{{', BUNDLE_HEADER_BYTES, 'utf8');
  decodeFails(bytes, 'BUNDLE_MANIFEST_NOT_JSON', /not valid JSON/);
});

test('a manifest with missing or wrong fields lists every problem', () => {
  const broken = manifest() as unknown as Record<string, unknown>;
  delete broken.labels;
  (broken.input as Record<string, unknown>).layout = 'CHWN';
  decodeFails(encodeBundle(broken as unknown as ModelManifest, onnx), 'BUNDLE_MANIFEST_INVALID', /labels.*layout|layout.*labels/s);
});

test('duplicate label ids are refused', () => {
  const labels = [{ id: 'a', en: 'A', ko: '가' }, { id: 'a', en: 'A2', ko: '나' }];
  decodeFails(encodeBundle(manifest({ labels }), onnx), 'BUNDLE_MANIFEST_INVALID', /"a" twice/);
});

test('a hash mismatch is refused', () => {
  const bytes = encodeBundle(manifest(), onnx);
  bytes[bytes.length - 1] ^= 0xff;
  decodeFails(bytes, 'BUNDLE_HASH_MISMATCH', /sha256/);
});

test('a manifest byte count that disagrees with the model is refused', () => {
  const bytes = encodeBundle(manifest({ onnx: { sha256: sha256Hex(onnx), bytes: onnx.length + 1 } }), onnx);
  decodeFails(bytes, 'BUNDLE_MANIFEST_INVALID', /bytes/);
});

test('bundle files are written atomically and read back; a missing file is a clear error', async () => {
  const dir = await tempDir();
  const file = join(dir, 'model.bin');
  await writeBundleFile(file, manifest(), onnx);
  assert.deepEqual((await readBundleFile(file)).manifest, manifest());
  await assert.rejects(readBundleFile(join(dir, 'missing.bin')), { code: 'BUNDLE_NOT_FOUND' });
  await writeFile(file, 'not a bundle at all, but long enough');
  await assert.rejects(readBundleFile(file), { code: 'BUNDLE_BAD_MAGIC' });
});
