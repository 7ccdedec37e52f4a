import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LiteCnnError } from '../errors.js';

/**
 * Guards the control server: every request's Host header must name this loopback server (a
 * DNS-rebinding page cannot send that), and every `/api/` request needs the per-launch token as
 * `Authorization: Bearer`. Being a header, not a cookie, the token is never sent by a page on
 * another origin, so the API is CSRF-safe. The dashboard's static files need no token.
 */
export function requireControlAuth(app: FastifyInstance, token: string, port: () => number): void {
  const expected = digest(token);
  app.addHook('onRequest', async (request) => {
    const allowedHosts = new Set([`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`]);
    const host = request.headers.host ?? '';
    if (!allowedHosts.has(host.toLowerCase())) {
      throw new LiteCnnError('FORBIDDEN_HOST', `Host "${host}" is not allowed; the control API answers only on 127.0.0.1:${port()} or localhost:${port()}.`, { httpStatus: 403 });
    }
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      throw new LiteCnnError('UNAUTHORIZED', 'Missing or wrong control token. Use the token from host.json in the data dir (the litecnn CLI does this for you).', { httpStatus: 401 });
    }
  });
}

/** Fixed-length digests let timingSafeEqual compare tokens of any length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
