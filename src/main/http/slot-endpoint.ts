import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ErrorBody } from '../../shared/errors.js';
import { INPUT_SPEC_HEADER, REQUEST_SOURCE_HEADER, TENSOR_CONTENT_TYPE, type PredictResponse, type RequestSource } from '../../shared/slot-api.js';
import type { ModelInputSpec } from '../../shared/model-manifest.js';
import { LiteCnnError, describeError } from '../errors.js';

/** How to reach one slot: its URL, a token when it needs one, and over HTTPS the certificate to pin. */
export interface SlotEndpoint {
  url: string;
  token?: string;
  /** SHA-256 fingerprint (as X509Certificate.fingerprint256 prints it) the slot's certificate must have. */
  tlsFingerprint256?: string | null;
  /** How the slot's model wants its input, when known: lets a caller send a prepared tensor. */
  input?: ModelInputSpec | null;
  /** Why this caller asks (sent as `x-litecnn-source`); none: a client like any other. */
  source?: RequestSource;
}

const TIMEOUT_MS = 60_000;

/** The answer of a slot's `/predict`. */
export type SlotAnswer = { status: number; body: PredictResponse | ErrorBody };

/** POSTs an image to a slot's `/predict`. */
export function postImageToSlot(endpoint: SlotEndpoint, body: Uint8Array, contentType: string, top: number): Promise<SlotAnswer> {
  return postToSlot(endpoint, body, { 'content-type': contentType }, top);
}

/** POSTs a tensor prepared for the input spec `specKey` (see `inputSpecKey`) to a slot's `/predict`. */
export function postTensorToSlot(endpoint: SlotEndpoint, tensor: Float32Array, specKey: string, top: number): Promise<SlotAnswer> {
  const bytes = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
  return postToSlot(endpoint, bytes, { 'content-type': TENSOR_CONTENT_TYPE, [INPUT_SPEC_HEADER]: specKey }, top);
}

/**
 * POSTs a prepared tensor when there is one, and the image itself when there is none or the
 * slot's model no longer takes that tensor (409 TENSOR_SPEC_MISMATCH: it changed meanwhile).
 */
export async function postTensorOrImage(endpoint: SlotEndpoint, image: Uint8Array, tensor: { data: Float32Array; specKey: string } | null, top: number): Promise<SlotAnswer> {
  if (tensor) {
    const answer = await postTensorToSlot(endpoint, tensor.data, tensor.specKey, top);
    if (!(answer.status === 409 && (answer.body as ErrorBody).error?.code === 'TENSOR_SPEC_MISMATCH')) return answer;
  }
  return postImageToSlot(endpoint, image, 'application/octet-stream', top);
}

/**
 * POSTs a body to a slot's `/predict`. Over HTTPS the slot's certificate is pinned by its
 * fingerprint (a self-signed one included), so no CA is needed and no other server is trusted.
 */
async function postToSlot(endpoint: SlotEndpoint, body: Uint8Array, headers: Record<string, string>, top: number): Promise<SlotAnswer> {
  const url = new URL(`/predict?top=${top}`, endpoint.url);
  const options: RequestOptions & { rejectUnauthorized?: boolean } = {
    method: 'POST',
    headers: {
      ...headers,
      'content-length': body.length,
      ...(endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {}),
      ...(endpoint.source ? { [REQUEST_SOURCE_HEADER]: endpoint.source } : {}),
    },
    timeout: TIMEOUT_MS,
  };
  const secure = url.protocol === 'https:';
  if (secure) options.rejectUnauthorized = false;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(url, options, resolve);
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    if (secure) {
      request.on('socket', (socket) => socket.once('secureConnect', () => {
        const presented = (socket as TLSSocket).getPeerCertificate().fingerprint256;
        if (presented !== endpoint.tlsFingerprint256) {
          request.destroy(new Error(`the server's TLS certificate (${presented}) is not the slot's (${endpoint.tlsFingerprint256 ?? 'unknown'})`));
        }
      }));
    }
    request.end(body);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { status: response.statusCode ?? 0, body: JSON.parse(text) as PredictResponse | ErrorBody };
  } catch (error) {
    throw new LiteCnnError('INTERNAL', `${endpoint.url} answered ${response.statusCode} with a body that is not JSON (${describeError(error)}).`);
  }
}
