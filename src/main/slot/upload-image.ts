import type { FastifyRequest } from 'fastify';
import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser';
import { LiteCnnError, describeError } from '../errors.js';
import type { ReusableBuffers } from './reusable-buffers.js';

const MAX_PARTS = 20;
const MAX_PART_HEADER_BYTES = 8 * 1024;

/** Body types a slot accepts: a form (the old `curl -F image=@x.jpg`), the image itself, or a prepared tensor. */
export const UPLOAD_CONTENT_TYPES = /^(multipart\/form-data|image\/[\w.+-]+|application\/octet-stream|application\/vnd\.litecnn\.tensor)(;.*)?$/i;

/** How much of an oversized body is read and dropped, so the client can read its 413 answer. */
const OVERSIZE_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Reads a whole upload into one buffer, up to `limit` bytes: with `buffers` and a declared
 * Content-Length, straight into a reused buffer (give it back once the request is done). An
 * oversized body is read to its end (up to a cap) and dropped before the 413 is sent: answering
 * while the client is still writing resets its connection and the client never sees why.
 */
export function readUploadBody(payload: NodeJS.ReadableStream & { headers?: Record<string, unknown> }, limit: number, done: (error: Error | null, body?: Buffer) => void, buffers?: ReusableBuffers): void {
  const declared = Number(payload.headers?.['content-length']);
  if (Number.isInteger(declared) && declared > limit + OVERSIZE_DRAIN_BYTES) {
    done(bodyTooLarge(limit));
    return;
  }
  const into = buffers && Number.isInteger(declared) && declared > 0 && declared <= limit ? buffers.take(declared) : null;
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: Error | null, body?: Buffer): void => {
    if (finished) return;
    finished = true;
    if (error && into) buffers!.give(into);
    done(error, body);
  };
  payload.on('data', (chunk: Buffer) => {
    if (into && size + chunk.length <= into.length) chunk.copy(into, size);
    else if (size + chunk.length <= limit) chunks.push(chunk);
    else chunks.length = 0;
    size += chunk.length;
    if (size > limit + OVERSIZE_DRAIN_BYTES) {
      (payload as NodeJS.ReadableStream & { destroy(): void }).destroy();
      finish(bodyTooLarge(limit));
    }
  });
  payload.on('end', () => {
    if (size > limit) finish(bodyTooLarge(limit));
    else if (into && size === into.length) finish(null, into);
    else if (into) finish(new LiteCnnError('BAD_REQUEST', `The body has ${size} bytes but Content-Length said ${into.length}. Send the whole file once.`, { httpStatus: 400 }));
    else finish(null, Buffer.concat(chunks, size));
  });
  payload.on('error', (error: Error) => finish(error));
}

function bodyTooLarge(limit: number): LiteCnnError {
  return new LiteCnnError('BODY_TOO_LARGE', `The upload is larger than this server accepts (${Math.round(limit / 1024)} KB, setting maxUploadBytes). Send a smaller image.`, { httpStatus: 413 });
}

/**
 * The image bytes of a `/predict` request. Fastify has already read the whole body (within the
 * size limit) into one buffer; a form is cut apart in place by a buffer-based multipart parser,
 * which costs far less CPU than a streaming one for bodies this size.
 */
export function uploadedImage(request: FastifyRequest, maxUploadBytes: number): Uint8Array {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw noImage('No image was sent.');
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) return body;
  const boundary = getMultipartBoundary(contentType);
  if (!boundary) throw malformed('the Content-Type has no boundary');
  const otherFields: string[] = [];
  let image: Uint8Array | null = null;
  try {
    // The parser's own default file limit (2 MiB) is far below a phone photo; the body limit already applies.
    for (const part of parseMultipart(body, { boundary, maxParts: MAX_PARTS, maxHeaderSize: MAX_PART_HEADER_BYTES, maxFileSize: maxUploadBytes, maxTotalSize: maxUploadBytes })) {
      if (part.name !== 'image') {
        otherFields.push(part.name ?? '(unnamed)');
        continue;
      }
      if (image) throw new LiteCnnError('BAD_REQUEST', 'The form has more than one "image" field. Send one image per request (`litecnn compare` takes many files).', { httpStatus: 400 });
      image = part.bytes;
      if (image.length === 0) throw noImage('The "image" field is empty.');
    }
  } catch (error) {
    if (error instanceof LiteCnnError) throw error;
    throw malformed(describeError(error));
  }
  if (image) return image;
  throw noImage(otherFields.length ? `The form has no "image" field (it has ${otherFields.map((f) => `"${f}"`).join(', ')}).` : 'The form has no fields.');
}

function noImage(what: string): LiteCnnError {
  return new LiteCnnError('NO_IMAGE_FIELD', `${what} POST the image as multipart field "image" (curl -F image=@photo.jpg) or as a raw image/* body.`, { httpStatus: 400 });
}

function malformed(why: string): LiteCnnError {
  return new LiteCnnError('BAD_REQUEST', `The multipart body is malformed (${why}). Send the image with curl -F image=@photo.jpg or a standard form upload.`, { httpStatus: 400 });
}
