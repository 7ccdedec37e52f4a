import { createHash } from 'node:crypto';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError } from '../errors.js';
import { manifestProblems } from './manifest-schema.js';

/**
 * A model bundle is one file:
 *   bytes 0-7   magic "LCNNBNDL"
 *   bytes 8-11  format version (uint32 LE)
 *   bytes 12-15 manifest length M (uint32 LE)
 *   bytes 16-23 ONNX length N (uint64 LE)
 *   then M bytes of UTF-8 JSON manifest, then N bytes of ONNX model.
 */
export const BUNDLE_MAGIC = Buffer.from('LCNNBNDL', 'latin1');
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_HEADER_BYTES = 24;

/** A decoded, validated bundle. */
export interface ModelBundle {
  manifest: ModelManifest;
  onnx: Uint8Array;
}

/** sha256 of some bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Serialises a manifest and ONNX bytes into bundle bytes; the manifest must already describe the bytes. */
export function encodeBundle(manifest: ModelManifest, onnx: Uint8Array): Buffer {
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
  const header = Buffer.alloc(BUNDLE_HEADER_BYTES);
  BUNDLE_MAGIC.copy(header, 0);
  header.writeUInt32LE(BUNDLE_FORMAT_VERSION, 8);
  header.writeUInt32LE(manifestBytes.length, 12);
  header.writeBigUInt64LE(BigInt(onnx.length), 16);
  return Buffer.concat([header, manifestBytes, onnx]);
}

/**
 * Parses and checks bundle bytes: magic, version, lengths, manifest fields and the ONNX hash.
 * `subject` (usually the file path) names the bundle in every error.
 */
export function decodeBundle(bytes: Buffer, subject: string): ModelBundle {
  const fail = (code: ConstructorParameters<typeof LiteCnnError>[0], what: string): never => {
    throw new LiteCnnError(code, `${subject}: ${what}`, { subject, httpStatus: 422 });
  };
  if (bytes.length < BUNDLE_HEADER_BYTES) {
    fail('BUNDLE_TRUNCATED', `only ${bytes.length} bytes, shorter than the ${BUNDLE_HEADER_BYTES}-byte header. The file is damaged or not a LiteCNN bundle; copy or pack it again.`);
  }
  if (!bytes.subarray(0, 8).equals(BUNDLE_MAGIC)) {
    fail('BUNDLE_BAD_MAGIC', `not a LiteCNN model bundle (the file does not start with "LCNNBNDL"). To serve a plain ONNX file, make a bundle with \`litecnn pack\`.`);
  }
  const version = bytes.readUInt32LE(8);
  if (version !== BUNDLE_FORMAT_VERSION) {
    fail('BUNDLE_UNKNOWN_VERSION', `bundle format version ${version} is not supported (this LiteCNN Dual reads version ${BUNDLE_FORMAT_VERSION}). Update LiteCNN Dual or pack the model again.`);
  }
  const manifestLength = bytes.readUInt32LE(12);
  const onnxLength = Number(bytes.readBigUInt64LE(16));
  const expected = BUNDLE_HEADER_BYTES + manifestLength + onnxLength;
  if (bytes.length < expected) {
    fail('BUNDLE_TRUNCATED', `truncated: the header promises ${expected} bytes but the file has ${bytes.length}. Copy or download it again.`);
  }
  if (bytes.length > expected) {
    fail('BUNDLE_TRUNCATED', `${bytes.length - expected} unexpected bytes after the model: the file is damaged. Copy or download it again.`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(bytes.subarray(BUNDLE_HEADER_BYTES, BUNDLE_HEADER_BYTES + manifestLength).toString('utf8'));
  } catch (error) {
    fail('BUNDLE_MANIFEST_NOT_JSON', `the manifest is not valid JSON (${(error as Error).message}). Pack the model again.`);
  }
  const problems = manifestProblems(manifest);
  if (problems.length > 0) {
    fail('BUNDLE_MANIFEST_INVALID', `the manifest is invalid: ${problems.join('; ')}. Pack the model again with correct labels and preprocessing.`);
  }
  const valid = manifest as ModelManifest;
  const onnx = bytes.subarray(BUNDLE_HEADER_BYTES + manifestLength);
  if (valid.onnx.bytes !== onnx.length) {
    fail('BUNDLE_MANIFEST_INVALID', `the manifest says the ONNX model has ${valid.onnx.bytes} bytes but the bundle holds ${onnx.length}. Pack the model again.`);
  }
  const actual = sha256Hex(onnx);
  if (actual !== valid.onnx.sha256) {
    fail('BUNDLE_HASH_MISMATCH', `the ONNX model's sha256 is ${actual.slice(0, 12)}… but the manifest expects ${valid.onnx.sha256.slice(0, 12)}…: the model bytes are damaged. Copy or download it again.`);
  }
  return { manifest: valid, onnx };
}
