import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PredictResponse } from '../src/shared/slot-api.js';
import type { MultipartBody } from './multipart-body.js';

/** One `POST /predict` of a timed loop: when it was sent and answered (performance.now() ms). */
export interface TimedRequest {
  start: number;
  end: number;
  /** HTTP status; 0 when the request failed without an answer. */
  status: number;
  /** The model version that answered (200 only). */
  version: string | null;
  error?: string;
}

/** A running loop; `stop` lets the requests in flight finish and returns every request. */
export interface TimedLoop {
  /** Requests finished so far (answered or failed). */
  readonly finished: number;
  stop(): Promise<TimedRequest[]>;
}

const TIMEOUT_MS = 30_000;

/**
 * Keeps `connections` requests in flight against a slot's `POST /predict` (each connection sends
 * its next request as soon as the previous one is answered, over keep-alive), and records each
 * request's start and end. Unlike autocannon, which runs for a set duration, the loop runs until
 * stopped, and every answer carries its timestamps and the model version, so requests can be
 * matched to what the slot was doing at the time (a model swap).
 */
export function startTimedLoop(options: { url: string; upload: MultipartBody; connections: number }): TimedLoop {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(`${options.url}/predict`);
  const requests: TimedRequest[] = [];
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) requests.push(await postOnce(agent, target, options.upload));
  };
  const workers = Array.from({ length: options.connections }, worker);
  return {
    get finished() {
      return requests.length;
    },
    stop: async () => {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return requests;
    },
  };
}

/** One request on a connection of its own. */
export async function timedPredict(url: string, upload: MultipartBody): Promise<TimedRequest> {
  const agent = new Agent({ keepAlive: false });
  try {
    return await postOnce(agent, new URL(`${url}/predict`), upload);
  } finally {
    agent.destroy();
  }
}

/** One `POST /predict` over `agent`, timed from when it is sent to when its answer has been read. */
export function postOnce(agent: Agent, url: URL, upload: MultipartBody): Promise<TimedRequest> {
  return new Promise((resolve) => {
    const start = performance.now();
    const failed = (error: Error): void => resolve({ start, end: performance.now(), status: 0, version: null, error: error.message });
    const outgoing = request(url, {
      method: 'POST',
      agent,
      timeout: TIMEOUT_MS,
      headers: { 'content-type': upload.contentType, 'content-length': upload.body.length },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', failed);
      response.on('end', () => {
        const end = performance.now();
        const status = response.statusCode ?? 0;
        let version: string | null = null;
        let error: string | undefined;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PredictResponse & { error?: { message: string } };
          if (status === 200) version = body.model.version;
          else error = body.error?.message;
        } catch (parseError) {
          error = `unreadable answer: ${(parseError as Error).message}`;
        }
        resolve({ start, end, status, version, ...(error !== undefined ? { error } : {}) });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    outgoing.on('error', failed);
    outgoing.end(upload.body);
  });
}
