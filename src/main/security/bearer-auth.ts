import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LiteCnnError } from '../errors.js';
import { bearerToken, tokenMatches } from './tokens.js';

/**
 * Requires `Authorization: Bearer TOKEN` (a token whose SHA-256 is in `acceptedSha256s()`) on every
 * request `guarded` picks; others answer 401 with `message`.
 */
export function requireBearerToken(
  app: FastifyInstance,
  acceptedSha256s: () => readonly string[],
  guarded: (request: FastifyRequest) => boolean,
  message: string,
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!guarded(request)) return;
    const given = bearerToken(request.headers.authorization);
    if (given && tokenMatches(given, acceptedSha256s())) return;
    reply.header('www-authenticate', 'Bearer');
    throw new LiteCnnError('UNAUTHORIZED', given ? `Wrong API token. ${message}` : `An API token is required. ${message}`, { httpStatus: 401 });
  });
}
