import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import type { PredictResponse } from '../src/shared/slot-api.js';
import { startCpuMeter, type CpuShares } from './cpu-meter.js';
import type { MultipartBody } from './multipart-body.js';

/** One load run against a slot's `POST /predict`. */
export interface LoadOptions {
  /** The slot's base URL. */
  url: string;
  upload: MultipartBody;
  connections: number;
  durationSeconds: number;
  /** The slot process, to measure its CPU use during the run. */
  serverPid?: number;
}

/** What one load run measured, unsummarised so that several runs can be pooled. */
export interface LoadSample {
  connections: number;
  seconds: number;
  /** Latency of each 2xx answer, timed per request (autocannon's own histogram rounds to whole ms). */
  latencies: number[];
  /** The slot's own `timing_ms` in the same answers: classify() inside the slot, without HTTP. */
  slotTimings: PredictResponse['timing_ms'][];
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU use during the run; `ownPercent` is the load generator's (this process). */
  cpu: CpuShares;
}

/** Runs autocannon with the prebuilt multipart body at a fixed concurrency for a bounded time. */
export async function runLoad(options: LoadOptions): Promise<LoadSample> {
  const latencies: number[] = [];
  const slotTimings: PredictResponse['timing_ms'][] = [];
  const stopCpuMeter = await startCpuMeter(options.serverPid);
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.url}/predict`,
        method: 'POST',
        headers: { 'content-type': options.upload.contentType },
        body: options.upload.body,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 30,
        requests: [{
          onResponse: (status, body) => {
            if (status === 200) slotTimings.push((JSON.parse(body) as PredictResponse).timing_ms);
          },
        }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    connections: options.connections,
    seconds,
    latencies,
    slotTimings,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: await stopCpuMeter(),
  };
}
