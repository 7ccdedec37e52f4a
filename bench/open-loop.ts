import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MultipartBody } from './multipart-body.js';
import { postOnce, type TimedRequest } from './timed-requests.js';

/**
 * Sends `requests` `POST /predict` requests at random (Poisson) arrival times averaging
 * `ratePerSecond`, whatever the slot's answers do, as independent users would; returns every request
 * once all have been answered. Unlike a closed loop, a slow answer does not hold back the next
 * request, so queueing shows in the latencies. The arrival times come only from `random`, so two
 * runs given the same seeded source send the same schedule (common random numbers: a comparison
 * of two settings is then not blurred by one run happening to get more bunched-up arrivals).
 */
export async function runOpenLoop(options: { url: string; upload: MultipartBody; ratePerSecond: number; requests: number; random: () => number }): Promise<TimedRequest[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${options.url}/predict`);
  const sent: Promise<TimedRequest>[] = [];
  const started = performance.now();
  let arrivalMs = 0;
  try {
    for (let i = 0; i < options.requests; i++) {
      const waitMs = started + arrivalMs - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      sent.push(postOnce(agent, target, options.upload));
      arrivalMs += (-Math.log(1 - options.random()) / options.ratePerSecond) * 1000;
    }
    return await Promise.all(sent);
  } finally {
    agent.destroy();
  }
}
