import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LiteCnnError, describeError, isErrnoError } from '../errors.js';
import { InferenceThread } from '../inference/inference-thread.js';
import { WorkerModel } from '../inference/worker-model.js';
import { createFileLogger } from '../logging/log-files.js';
import { connectToHost } from './parent-channel.js';
import { ServedModel } from './served-model.js';
import type { SlotProcessConfig } from './slot-messages.js';
import type { ModelSummary } from '../../shared/model-manifest.js';
import { SlotMetrics } from './slot-metrics.js';
import { buildSlotServer, slotInfo } from './slot-server.js';
import { errorReply } from '../http/error-replies.js';
import { readTlsFiles } from '../security/tls-files.js';
import { SLOT_ROLES } from '../host/slot-roles.js';
import { ShadowMirror } from './shadow-mirror.js';
import { lowerProcessPriority } from './process-priority.js';

/**
 * Entry point of a slot process: one HTTP server and one onnxruntime session, isolated from the
 * other slot so that a blocking inference, a crash or a stop here never touches it.
 */
/** How long a stopping slot waits for in-flight requests; below the host's 5 s grace period. */
const DRAIN_TIMEOUT_MS = 3_000;
// onnxruntime loads in the inference thread while this process loads the rest and waits for its model.
InferenceThread.prespawn();
const channel = connectToHost();
const startedAt = new Date();
const model = new ServedModel();
let server: FastifyInstance | undefined;
let logger: Logger | undefined;
let boundPort = 0;
let metrics: SlotMetrics | undefined;
let config: SlotProcessConfig | undefined;
let stopping = false;
let shadow: ShadowMirror | undefined;

channel.onMessage((message) => {
  switch (message.type) {
    case 'start':
      void start(message.config);
      break;
    case 'info':
      if (config && metrics) {
        void slotInfo({ slot: config.slot, model, metrics, port: () => boundPort, startedAt, ...(shadow ? { shadow } : {}) })
          .then((info) => channel.send({ type: 'info', requestId: message.requestId, info }));
      }
      break;
    case 'swap':
      void swapModel(message.requestId, message.bundleFile);
      break;
    case 'shadow':
      shadow?.configure(message.shadow);
      break;
    case 'niceness':
      lowerProcessPriority(message.niceness);
      break;
    case 'shutdown':
      void shutdown(0);
      break;
  }
});
channel.onHostGone(() => void shutdown(0));
// However AS-IS ends, a TO-BE it holds still goes on (a kill it cannot see is the host's to mend).
process.on('exit', () => shadow?.releaseTarget());
process.on('SIGTERM', () => void shutdown(0));
// Ctrl-C in a terminal reaches the whole process group; the host decides when slots stop.
process.on('SIGINT', () => undefined);

async function start(slotConfig: SlotProcessConfig): Promise<void> {
  config = slotConfig;
  const slotMetrics = new SlotMetrics(slotConfig.slot, { mirrorsToShadow: SLOT_ROLES[slotConfig.slot].mirrorsToShadow });
  metrics = slotMetrics;
  // Made before the first await: the host sends shadow mode's settings right after 'start'.
  if (SLOT_ROLES[slotConfig.slot].mirrorsToShadow) shadow = new ShadowMirror(slotConfig.dataDir, { onOutcome: (outcome) => slotMetrics.recordShadow(outcome), pause: { onPaused: (ms) => slotMetrics.recordTargetPause(ms) } });
  // The model loads in its worker thread while the HTTP server is built and starts listening (start-up in parallel, not one after the other).
  const loading = WorkerModel.start({ file: slotConfig.bundleFile }, slotConfig.bundleFile, { graphCacheDataDir: slotConfig.dataDir, onnxThreads: slotConfig.inferenceThreads });
  try {
    logger = await createFileLogger(slotConfig.dataDir, slotConfig.logName ?? slotConfig.slot, slotConfig.logLevel);
    const tls = slotConfig.tls ? await readTlsFiles(slotConfig.tls) : null;
    server = await buildSlotServer({
      slot: slotConfig.slot,
      model,
      metrics,
      logger,
      maxUploadBytes: slotConfig.maxUploadBytes,
      maxInputPixels: slotConfig.maxInputPixels,
      port: () => boundPort,
      startedAt,
      tls,
      tokenSha256s: slotConfig.tokenSha256s,
      rateLimit: slotConfig.rateLimit,
      maxConcurrentInferences: slotConfig.maxConcurrentInferences,
      maxQueuedRequests: slotConfig.maxQueuedRequests,
      headersTimeoutMs: slotConfig.headersTimeoutMs,
      requestTimeoutMs: slotConfig.requestTimeoutMs,
      ...(shadow ? { shadow } : {}),
    });
    await listen(server, slotConfig);
    channel.send({ type: 'listening', port: boundPort, tlsFingerprint256: tls ? new X509Certificate(tls.cert).fingerprint256 : null });
    logger.info({ port: boundPort, host: slotConfig.host }, 'listening');
    const session = await loading;
    const summary = await serve(session);
    logger.info({ model: summary, file: slotConfig.bundleFile }, 'model loaded and warmed up; ready');
    channel.send({ type: 'ready', model: summary, loadedAt: session.loadedAt.toISOString() });
  } catch (error) {
    // A server that could not listen leaves a model that may still be loading: it is freed when it arrives.
    void loading.then((session) => (model.current === session ? undefined : session.release()), () => undefined);
    const { body } = errorReply(error);
    const reported = error instanceof LiteCnnError ? body.error : { code: 'SLOT_START_FAILED' as const, message: `The slot could not start: ${describeError(error)}` };
    logger?.error({ err: error }, 'start failed');
    channel.send({ type: 'failed', error: reported });
    await shutdown(1);
  }
}

/** Makes `session` the served model; returns its summary. */
async function serve(session: WorkerModel): Promise<ModelSummary> {
  await model.swap(session);
  const { manifest } = session;
  const summary = { name: manifest.name, version: manifest.version, sha256: manifest.onnx.sha256 };
  metrics?.setModel(summary);
  return summary;
}

/**
 * Zero-downtime model change: the new model loads and warms up in a new worker thread while the
 * current one keeps answering; then new requests go to it, and the old model's thread ends once its
 * in-flight requests have finished.
 */
async function swapModel(requestId: number, bundleFile: string): Promise<void> {
  try {
    const session = await WorkerModel.start({ file: bundleFile }, bundleFile, { graphCacheDataDir: config?.dataDir, ...(config ? { onnxThreads: config.inferenceThreads } : {}) });
    const summary = await serve(session);
    logger?.info({ model: summary, file: bundleFile }, 'model swapped');
    channel.send({ type: 'swapped', requestId, model: summary, loadedAt: session.loadedAt.toISOString() });
  } catch (error) {
    logger?.error({ err: error, file: bundleFile }, 'model swap failed; the previous model keeps serving');
    channel.send({ type: 'swap-failed', requestId, error: errorReply(error).body.error });
  }
}

async function listen(app: FastifyInstance, slotConfig: SlotProcessConfig): Promise<void> {
  try {
    await app.listen({ port: slotConfig.port, host: slotConfig.host });
  } catch (error) {
    if (isErrnoError(error, 'EADDRINUSE')) {
      throw new LiteCnnError('PORT_IN_USE', `Port ${slotConfig.port} on ${slotConfig.host} is already in use by another program. Stop it (find it with \`lsof -i :${slotConfig.port}\`) or give this slot another port (--${slotConfig.slot}-port).`, { subject: String(slotConfig.port) });
    }
    if (isErrnoError(error, 'EADDRNOTAVAIL') || isErrnoError(error, 'EACCES')) {
      throw new LiteCnnError('SLOT_START_FAILED', `Cannot listen on ${slotConfig.host}:${slotConfig.port} (${describeError(error)}). Choose another host address or port.`, { subject: `${slotConfig.host}:${slotConfig.port}` });
    }
    throw error;
  }
  const address = app.server.address();
  boundPort = typeof address === 'object' && address ? address.port : slotConfig.port;
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    if (server) await closeServer(server);
    // Requests whose clients already left may still be decoding or inferring; exiting under
    // them aborts the process from native code.
    await model.idle(DRAIN_TIMEOUT_MS);
    await model.swap(null);
    logger?.info('stopped');
    await new Promise<void>((resolve) => (logger ? logger.flush(() => resolve()) : resolve()));
  } catch (error) {
    logger?.error({ err: error }, 'error while stopping');
  }
  process.exit(exitCode);
}

/** Stops accepting, lets in-flight requests finish, and closes keep-alive connections as they go idle. */
async function closeServer(app: FastifyInstance): Promise<void> {
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
  const closed = app.close();
  const timedOut = new Promise<void>((resolve) => setTimeout(() => {
    app.server.closeAllConnections();
    resolve();
  }, DRAIN_TIMEOUT_MS));
  await Promise.race([closed, timedOut]);
  clearInterval(sweeper);
}
