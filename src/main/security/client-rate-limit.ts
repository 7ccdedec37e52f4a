import type { FastifyInstance } from 'fastify';
import { TokenBucket } from 'limiter';
import { LiteCnnError } from '../errors.js';

/** A per-client token bucket: `perSecond` tokens drip in, up to `burst`; 0 per second turns it off. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Clients remembered at most; a full bucket is forgotten first (it is the same as a new one). */
const MAX_CLIENTS = 10_000;

/**
 * Limits each client (by remote address) with a token bucket from the `limiter` package. A request
 * that finds its bucket empty is answered 429 with Retry-After (whole seconds until a token is back).
 * `names` say what is limited, and by which setting, in the message.
 */
export function useClientRateLimit(app: FastifyInstance, limit: RateLimit, names: { scope: string; setting: string }): void {
  if (limit.perSecond <= 0) return;
  const buckets = new Map<string, TokenBucket>();
  app.addHook('onRequest', async (request) => {
    const client = request.socket.remoteAddress ?? 'unknown';
    let bucket = buckets.get(client);
    if (!bucket) {
      if (buckets.size >= MAX_CLIENTS) forgetIdleClients(buckets);
      bucket = new TokenBucket({ bucketSize: limit.burst, tokensPerInterval: limit.perSecond, interval: 'second' });
      // limiter's buckets start empty; a client that has sent nothing yet may send a whole burst.
      bucket.content = limit.burst;
      buckets.set(client, bucket);
    }
    if (bucket.tryRemoveTokens(1)) return;
    const retryAfter = Math.max(1, Math.ceil(bucket.getWaitTime(1) / 1000));
    throw new LiteCnnError('RATE_LIMITED', `Too many requests to ${names.scope} from ${client}: at most ${limit.perSecond} per second (bursts of ${limit.burst}). Retry after ${retryAfter} s, or raise the limit (setting ${names.setting}).`, { httpStatus: 429, retryAfterSeconds: retryAfter });
  });
}

function forgetIdleClients(buckets: Map<string, TokenBucket>): void {
  for (const [client, bucket] of buckets) {
    bucket.drip();
    if (bucket.content >= bucket.bucketSize) buckets.delete(client);
  }
  // Everyone is busy: forget the oldest half rather than grow without bound.
  if (buckets.size >= MAX_CLIENTS) for (const client of [...buckets.keys()].slice(0, MAX_CLIENTS / 2)) buckets.delete(client);
}
