import { parentPort, workerData } from 'node:worker_threads';
import { LiteCnnError, describeError } from '../errors.js';
import { decodeBundle } from '../model/bundle-format.js';
import { readBundleFile } from '../model/bundle-file.js';
import { ModelSession } from './model-session.js';
import { OptimizedGraphCache } from './optimized-graph-cache.js';
import type { InferenceWorkerData, MainToWorkerMessage, WorkerToMainMessage } from './worker-messages.js';

/**
 * A worker thread that owns one onnxruntime session. `session.run` blocks the thread it runs on;
 * here that is this worker, so the slot's HTTP server keeps answering during inference and while
 * a replacement model loads.
 */
const port = parentPort!;
const { source, subject, graphCacheDataDir } = workerData as InferenceWorkerData;
const send = (message: WorkerToMainMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

let session: ModelSession;
try {
  const bundle = 'file' in source ? await readBundleFile(source.file) : decodeBundle(Buffer.from(source.bytes), subject);
  session = await ModelSession.load(bundle, subject, graphCacheDataDir ? new OptimizedGraphCache(graphCacheDataDir) : undefined);
  send({ type: 'ready', manifest: session.manifest, loadedAt: session.loadedAt.toISOString() });
} catch (error) {
  send({ type: 'failed', error: asErrorValue(error) });
  port.close();
  process.exit(0);
}

port.on('message', (message: MainToWorkerMessage) => {
  if (message.type === 'release') {
    void session.release().finally(() => port.close());
    return;
  }
  session.scoresFor({ data: message.data, dims: message.dims }).then(
    (scores) => send({ type: 'scores', id: message.id, scores }, [scores.buffer as ArrayBuffer]),
    (error: unknown) => send({ type: 'error', id: message.id, error: asErrorValue(error) }),
  );
});

function asErrorValue(error: unknown): { code: LiteCnnError['code']; message: string; httpStatus: number } {
  if (error instanceof LiteCnnError) return { code: error.code, message: error.message, httpStatus: error.httpStatus };
  return { code: 'INTERNAL', message: `Inference failed: ${describeError(error)}`, httpStatus: 500 };
}
