import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { describeModel } from '../model/model-description.js';
import type { LevelWithSilent, Logger } from 'pino';
import { INPUT_SPEC_HEADER, REQUEST_SOURCE_HEADER, SLOT_TITLES, requestSource, type PredictResponse, type RequestSource, type SlotId, type SlotInfo } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import { UPLOAD_CONTENT_TYPES, readUploadBody, uploadedImage } from './upload-image.js';
import { ReusableBuffers } from './reusable-buffers.js';
import { isTensorUpload, uploadedTensor } from './tensor-upload.js';
import { performance } from 'node:perf_hooks';
import { classifyPrepared, type Classification, type Classifier } from '../inference/classify.js';
import { inputSpecKey } from '../model/input-spec-key.js';
import type { MirrorTicket, ShadowMirror } from './shadow-mirror.js';
import { useErrorReplies } from '../http/error-replies.js';
import { requireBearerToken } from '../security/bearer-auth.js';
import { useClientRateLimit, type RateLimit } from '../security/client-rate-limit.js';
import { AdmissionGate } from './admission-gate.js';
import { modelNotLoaded, type ServedModel } from './served-model.js';
import { OPEN_INFERENCE_PREFIX, OPEN_INFERENCE_PROBES, openInferenceRoutes } from './open-inference/open-inference-routes.js';
import type { SlotMetrics } from './slot-metrics.js';
import { PRECOMPILED_ROUTE_SCHEMAS } from '../http/precompiled-route-schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request (its `x-litecnn-source`), read once as it arrives. */
    source: RequestSource;
  }
}

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
  /** PEM key and certificate: the slot serves HTTPS. */
  tls: { key: Buffer; cert: Buffer } | null;
  /** SHA-256s of the tokens /predict, /info and /metrics accept; empty: no token needed. */
  tokenSha256s: readonly string[];
  rateLimit: RateLimit;
  maxConcurrentInferences: number;
  maxQueuedRequests: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Shadow mode: on AS-IS, mirrors a sampled share of `/predict` traffic to TO-BE. */
  shadow?: ShadowMirror;
}

/** Routes a load balancer or orchestrator probes; they stay open when a token is required. */
const PROBE_ROUTES = new Set(['/healthz', '/readyz', ...OPEN_INFERENCE_PROBES]);

const DEFAULT_TOP = 5;
/** How many bytes of free upload buffers a slot keeps for reuse (eight 1-2 MB photos). */
const UPLOAD_BUFFERS_KEPT_BYTES = 16 * 1024 * 1024;

/**
 * The HTTP API of one slot (the same on AS-IS and TO-BE): `POST /predict`, `/healthz`,
 * `/readyz`, `/info`, `/metrics`, and the Open Inference Protocol under `/v2`.
 */
export async function buildSlotServer(options: SlotServerOptions): Promise<FastifyInstance> {
  const { slot, model, metrics, logger, shadow } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: options.maxUploadBytes,
    // `/v2/` is the protocol's own spelling of the server metadata route; `/v2` is Triton's.
    routerOptions: { ignoreTrailingSlash: true },
    // No route here has a schema: this keeps Fastify from loading its schema compilers at all.
    schemaController: PRECOMPILED_ROUTE_SCHEMAS,
    ...serverTimeouts(options.headersTimeoutMs, options.requestTimeoutMs, options.tls),
  }) as unknown as FastifyInstance;
  useErrorReplies(app, logger, OPEN_INFERENCE_PREFIX);
  app.decorateRequest('source', 'client');
  app.addHook('onRequest', async (request) => {
    request.source = requestSource(request.headers[REQUEST_SOURCE_HEADER]);
  });
  const gate = new AdmissionGate(options.maxConcurrentInferences, options.maxQueuedRequests);
  useClientRateLimit(app, options.rateLimit, { scope: `the ${SLOT_TITLES[slot]} slot`, setting: 'rateLimitPerSecond' });
  const { tokenSha256s } = options;
  if (tokenSha256s.length > 0) {
    requireBearerToken(app, () => tokenSha256s, (request) => !PROBE_ROUTES.has(request.url.split('?')[0] ?? ''), `Send it as \`Authorization: Bearer TOKEN\` (curl -H "Authorization: Bearer $TOKEN" ...); \`litecnn token rotate --slot ${slot}\` makes a new one.`);
  }
  // Admission is counted from arrival, before the body is read: a full slot refuses at once. The
  // response's 'close' comes however the exchange ends (answered, or the client gone mid-upload).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isInferenceRoute(request.url.split('?')[0] ?? '')) return;
    const leave = gate.admit();
    // Only clients' requests hold TO-BE still: the host's compare and evaluation requests go to TO-BE as well.
    const serving = shadow && request.source === 'client' ? shadow.clientRequest() : null;
    reply.raw.once('close', () => {
      leave();
      serving?.();
      shadow?.wake();
    });
  });
  shadow?.useIdleSince(() => gate.idleSince);
  // Two log lines per request cost more than some inferences; they are kept for logLevel debug.
  const requestLogLevel = (logger.isLevelEnabled('debug') ? logger.level : 'warn') as LevelWithSilent;
  app.addHook('onRoute', (route) => {
    route.logLevel = requestLogLevel;
  });
  // While the server closes, answers end their keep-alive connection so close() is not held up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // Only images and forms are accepted: no JSON or text parsers, so anything else is a clear 415.
  app.removeAllContentTypeParsers();
  const uploads = new ReusableBuffers(UPLOAD_BUFFERS_KEPT_BYTES);
  app.addContentTypeParser(UPLOAD_CONTENT_TYPES, (_request, payload, done) => readUploadBody(payload, options.maxUploadBytes, done, uploads));
  app.addHook('onResponse', async (request, reply) => {
    metrics.recordRequest(request.routeOptions.url ?? 'unmatched', reply.statusCode, request.source);
  });

  app.post('/predict', async (request, reply) => {
    let answer: PredictResponse | null;
    let ticket: MirrorTicket | null = null;
    try {
      const top = parseTop(request, model.current?.manifest.labels.length);
      const tensorSent = isTensorUpload(request.headers['content-type']);
      const image = tensorSent ? null : uploadedImage(request, options.maxUploadBytes);
      const mirrored = image && shadow?.sample() ? image : null;
      answer = await model.withSession((session) => gate.run(async () => {
        let result: Classification;
        if (mirrored) ({ result, ticket } = await classifyForShadow(session, mirrored, () => uploads.give(request.body), top, options.maxInputPixels, shadow!));
        else if (image) result = await session.classify(image, top, options.maxInputPixels);
        else result = await classifyPrepared(session, uploadedTensor(request.body, request.headers[INPUT_SPEC_HEADER], session.manifest.input), top);
        const { manifest } = session;
        return {
          predictions: result.predictions,
          model: { slot, name: manifest.name, version: manifest.version, sha256: manifest.onnx.sha256 },
          timing_ms: result.timing,
        };
      }));
    } finally {
      // A mirror's ticket holds the upload until TO-BE has answered; it gives it back then.
      if (!ticket) uploads.give(request.body);
    }
    if (!answer) throw modelNotLoaded(slot);
    metrics.recordPrediction(answer.timing_ms, request.source);
    if (ticket) {
      const [sent, asis] = [ticket, answer];
      reply.raw.once('finish', () => shadow!.mirror(sent, asis));
    }
    return reply.send(answer);
  });

  await app.register(openInferenceRoutes, { slot, model, gate, uploads, maxUploadBytes: options.maxUploadBytes });

  app.get('/healthz', async () => ({ status: 'ok', slot }));

  app.get('/readyz', async (_request, reply) => {
    const session = model.current;
    if (!session) throw modelNotLoaded(slot);
    return reply.send({ ready: true, slot, model: { name: session.manifest.name, version: session.manifest.version, sha256: session.manifest.onnx.sha256 } });
  });

  app.get('/info', async () => slotInfo(options));

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return app;
}

/** The `/info` answer, also sent to the host over IPC. */
export async function slotInfo(options: Pick<SlotServerOptions, 'slot' | 'model' | 'metrics' | 'port' | 'startedAt' | 'shadow'>): Promise<SlotInfo> {
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
          protocol: describeModel(manifest, session!.signature),
        }
      : null,
    loadedAt: session ? session.loadedAt.toISOString() : null,
    startedAt: options.startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - options.startedAt.getTime()) / 1000),
    requests: options.metrics.counts(),
    latencyMs: await options.metrics.latencyPercentiles(),
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    shadow: options.shadow?.stats() ?? null,
  };
}

/**
 * Classifies a request shadow mode sampled; its ticket holds the image (the upload, handed over
 * with `giveBackImage`) and, when TO-BE's model takes the same input, a copy of the tensor, so
 * TO-BE is spared the decode.
 */
async function classifyForShadow(session: Classifier, image: Uint8Array, giveBackImage: () => void, top: number, maxInputPixels: number, shadow: ShadowMirror): Promise<{ result: Classification; ticket: MirrorTicket }> {
  const started = performance.now();
  const prepared = await session.prepare(image, maxInputPixels);
  const specKey = inputSpecKey(session.manifest.input);
  const ticket = shadow.ticket(image, specKey === shadow.targetSpecKey ? { data: prepared.data, specKey } : null, giveBackImage);
  const result = await classifyPrepared(session, prepared, top, started);
  return { result, ticket };
}

/** Fastify options for the HTTP or HTTPS server with slowloris guards: headers and whole-request deadlines (answered 408). */
function serverTimeouts(headersTimeoutMs: number, requestTimeoutMs: number, tls: { key: Buffer; cert: Buffer } | null): Record<string, unknown> {
  const headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
  // Node checks the deadlines on this interval (30 s by default), so it bounds how late a 408 comes.
  const server = { headersTimeout, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))) };
  return { requestTimeout: requestTimeoutMs, ...(tls ? { https: { ...server, key: tls.key, cert: tls.cert } } : { http: server }) };
}

/** The routes that run the model: they count against the admission limit from the moment they arrive. */
function isInferenceRoute(path: string): boolean {
  return path === '/predict' || (path.startsWith('/v2/models/') && path.endsWith('/infer'));
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
