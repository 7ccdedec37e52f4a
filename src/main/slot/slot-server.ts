import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Logger } from 'pino';
import { SLOT_TITLES, type PredictResponse, type SlotId, type SlotInfo } from '../../shared/slot-api.js';
import { LiteCnnError, describeError } from '../errors.js';
import { useErrorReplies } from '../http/error-replies.js';
import type { ServedModel } from './served-model.js';
import type { SlotMetrics } from './slot-metrics.js';

/** What one slot's HTTP server is built from. */
export interface SlotServerOptions {
  slot: SlotId;
  model: ServedModel;
  metrics: SlotMetrics;
  logger: Logger;
  maxUploadBytes: number;
  maxInputPixels: number;
  /** The port the server listens on, for `/info` (known only after listen). */
  port: () => number;
  startedAt: Date;
}

const DEFAULT_TOP = 5;
const RAW_IMAGE_TYPES = /^(image\/[\w.+-]+|application\/octet-stream)(;.*)?$/i;

/**
 * The HTTP API of one slot (the same on AS-IS and TO-BE): `POST /predict`, `/healthz`,
 * `/readyz`, `/info` and `/metrics`.
 */
export async function buildSlotServer(options: SlotServerOptions): Promise<FastifyInstance> {
  const { slot, model, metrics, logger } = options;
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: options.maxUploadBytes });
  useErrorReplies(app, logger);
  // Only images are accepted: no JSON or text parsers, so anything else is a clear 415.
  app.removeAllContentTypeParsers();
  await app.register(multipart, { limits: { fileSize: options.maxUploadBytes, files: 1, fields: 10, parts: 20 } });
  app.addContentTypeParser(RAW_IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: options.maxUploadBytes }, (_request, body, done) => done(null, body));
  app.addHook('onResponse', async (request, reply) => {
    metrics.recordRequest(request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });

  app.post('/predict', async (request, reply) => {
    const top = parseTop(request, model.current?.manifest.labels.length);
    const image = await readImage(request, options.maxUploadBytes);
    const answer = await model.withSession(async (session) => {
      const result = await session.classify(image, top, options.maxInputPixels);
      const { manifest } = session;
      const response: PredictResponse = {
        predictions: result.predictions,
        model: { slot, name: manifest.name, version: manifest.version, sha256: manifest.onnx.sha256 },
        timing_ms: result.timing,
      };
      return response;
    });
    if (!answer) throw notReady(slot);
    metrics.recordPrediction(answer.timing_ms);
    return reply.send(answer);
  });

  app.get('/healthz', async () => ({ status: 'ok', slot }));

  app.get('/readyz', async (_request, reply) => {
    const session = model.current;
    if (!session) throw notReady(slot);
    return reply.send({ ready: true, slot, model: { name: session.manifest.name, version: session.manifest.version, sha256: session.manifest.onnx.sha256 } });
  });

  app.get('/info', async () => slotInfo(options));

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return app;
}

/** The `/info` answer, also sent to the host over IPC. */
export async function slotInfo(options: Pick<SlotServerOptions, 'slot' | 'model' | 'metrics' | 'port' | 'startedAt'>): Promise<SlotInfo> {
  const session = options.model.current;
  const memory = process.memoryUsage();
  const manifest = session?.manifest;
  return {
    slot: options.slot,
    port: options.port(),
    pid: process.pid,
    ready: session !== null,
    model: manifest
      ? {
          name: manifest.name,
          version: manifest.version,
          sha256: manifest.onnx.sha256,
          created: manifest.created,
          source: manifest.source,
          input: manifest.input,
          output: manifest.output,
          labels: manifest.labels.length,
        }
      : null,
    loadedAt: session ? session.loadedAt.toISOString() : null,
    startedAt: options.startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - options.startedAt.getTime()) / 1000),
    requests: options.metrics.counts(),
    latencyMs: await options.metrics.latencyPercentiles(),
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
  };
}

async function readImage(request: FastifyRequest, maxUploadBytes: number): Promise<Buffer> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) {
      throw new LiteCnnError('NO_IMAGE_FIELD', 'The form has no file. Send the image in a multipart field named "image" (curl -F image=@photo.jpg).', { httpStatus: 400 });
    }
    if (file.fieldname !== 'image') {
      file.file.resume();
      throw new LiteCnnError('NO_IMAGE_FIELD', `The file came in the field "${file.fieldname}"; send it in a field named "image" (curl -F image=@photo.jpg).`, { httpStatus: 400 });
    }
    let bytes: Buffer;
    try {
      bytes = await file.toBuffer();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode) throw error;
      throw new LiteCnnError('BAD_REQUEST', `The multipart body is malformed (${describeError(error)}). Send the image with curl -F image=@photo.jpg or a standard form upload.`, { httpStatus: 400, cause: error });
    }
    // toBuffer() can miss a limit hit on the last chunk; the stream's own flag cannot.
    if (file.file.truncated) throw bodyTooLarge(maxUploadBytes);
    if (bytes.length === 0) throw emptyImage();
    return bytes;
  }
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw emptyImage();
  return body;
}

function parseTop(request: FastifyRequest, labels = 1000): number {
  const raw = (request.query as Record<string, unknown>).top;
  if (raw === undefined) return Math.min(DEFAULT_TOP, labels);
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > labels) {
    throw new LiteCnnError('BAD_REQUEST', `top must be a whole number from 1 to ${labels} (got "${String(raw)}").`, { httpStatus: 400 });
  }
  return top;
}

function bodyTooLarge(maxUploadBytes: number): LiteCnnError {
  return new LiteCnnError('BODY_TOO_LARGE', `The image is larger than this server accepts (${Math.round(maxUploadBytes / 1024)} KB, setting maxUploadBytes). Send a smaller image.`, { httpStatus: 413 });
}

function emptyImage(): LiteCnnError {
  return new LiteCnnError('NO_IMAGE_FIELD', 'No image was sent. POST the image as multipart field "image" (curl -F image=@photo.jpg) or as a raw image/* body.', { httpStatus: 400 });
}

function notReady(slot: SlotId): LiteCnnError {
  return new LiteCnnError('NOT_READY', `The ${SLOT_TITLES[slot]} model is not loaded yet; retry in a moment, or check \`litecnn status\`.`, { httpStatus: 503 });
}
