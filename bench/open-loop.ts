import { Agent } from 'node:http';
import type { MultipartBody } from './multipart-body.js';
import { postOnce, type TimedRequest } from './timed-requests.js';

/**
 * Sends `POST /predict` requests at random (Poisson) arrival times averaging `ratePerSecond`,
 * whatever the slot's answers do, as independent users would, for `seconds`; returns every
 * request once all have been answered. Unlike a closed loop, a slow answer does not hold back the
 * next request, so queueing shows in the latencies.
 */
export async function runOpenLoop(options: { url: string; upload: MultipartBody; ratePerSecond: number; seconds: number; random?: () => number }): Promise<TimedRequest[]> {
  const random = options.random ?? Math.random;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${options.url}/predict`);
  const sent: Promise<TimedRequest>[] = [];
  const end = Date.now() + options.seconds * 1000;
  try {
    while (Date.now() < end) {
      sent.push(postOnce(agent, target, options.upload));
      const gapMs = (-Math.log(1 - random()) / options.ratePerSecond) * 1000;
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return await Promise.all(sent);
  } finally {
    agent.destroy();
  }
}
