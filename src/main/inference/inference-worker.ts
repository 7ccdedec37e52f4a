import { parentPort } from 'node:worker_threads';
import { LiteCnnError, describeError } from '../errors.js';
import { decodeBundle } from '../model/bundle-format.js';
import { readBundleFile } from '../model/bundle-file.js';
import { ModelSession } from './model-session.js';
import { OptimizedGraphCache } from './optimized-graph-cache.js';
import type { LoadRequest, MainToWorkerMessage, WorkerError, WorkerToMainMessage } from './worker-messages.js';

/**
 * A worker thread that holds at most one onnxruntime session at a time. `session.run` blocks the
 * thread it runs on; here that is this worker, so the slot's HTTP server keeps answering during
 * inference and while a replacement model loads. After a release the thread can load another model
 * without paying for a new thread and a new onnxruntime binding.
 */
const port = parentPort!;
const send = (message: WorkerToMainMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
let session: ModelSession | null = null;

port.on('message', (message: MainToWorkerMessage) => {
  switch (message.type) {
    case 'load':
      void load(message);
      break;
    case 'run':
      if (!session) {
        send({ type: 'error', id: message.id, error: { code: 'NOT_READY', message: 'No model is loaded in this inference thread.', httpStatus: 503 } });
        break;
      }
      (message.raw
        ? session.outputFor(message).then(({ values, dims }) => send({ type: 'output', id: message.id, values, dims, input: message.data }, [values.buffer as ArrayBuffer, message.data.buffer as ArrayBuffer]))
        : session.scoresFor(message).then((scores) => send({ type: 'scores', id: message.id, scores, input: message.data }, [scores.buffer as ArrayBuffer, message.data.buffer as ArrayBuffer]))
      ).catch((error: unknown) => send({ type: 'error', id: message.id, error: asErrorValue(error) }));
      break;
    case 'release': {
      const released = session;
      session = null;
      void released?.release().catch(() => undefined);
      break;
    }
    case 'exit':
      port.close();
      break;
  }
});

async function load({ source, subject, graphCacheDataDir, onnxThreads }: LoadRequest): Promise<void> {
  try {
    const bundle = 'file' in source ? await readBundleFile(source.file) : decodeBundle(Buffer.from(source.bytes), subject);
    session = await ModelSession.load(bundle, subject, {
      ...(graphCacheDataDir ? { graphCache: new OptimizedGraphCache(graphCacheDataDir) } : {}),
      ...(onnxThreads ? { onnxThreads } : {}),
    });
    send({ type: 'ready', manifest: session.manifest, loadedAt: session.loadedAt.toISOString(), signature: session.signature });
  } catch (error) {
    send({ type: 'failed', error: asErrorValue(error) });
  }
}

function asErrorValue(error: unknown): WorkerError {
  if (error instanceof LiteCnnError) return { code: error.code, message: error.message, httpStatus: error.httpStatus };
  return { code: 'INTERNAL', message: `Inference failed: ${describeError(error)}`, httpStatus: 500 };
}
