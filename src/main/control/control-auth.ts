import type { FastifyInstance } from 'fastify';
import { LiteCnnError } from '../errors.js';
import { requireBearerToken } from '../security/bearer-auth.js';
import { tokenSha256 } from '../security/tokens.js';

/**
 * Guards the control server. Every request's Host header must name this loopback server (a
 * DNS-rebinding page cannot send that); a request that carries an Origin must come from the
 * dashboard this server serves (no other page may call the API, and no CORS headers are ever
 * sent); and every `/api/` request needs the per-launch token as `Authorization: Bearer`. Being a
 * header, not a cookie, the token is never sent by a page on another origin, so the API is
 * CSRF-safe. The dashboard's static files need no token.
 */
export function requireControlAuth(app: FastifyInstance, token: string, port: () => number): void {
  const loopbackNames = (): string[] => [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`];
  app.addHook('onRequest', async (request) => {
    const host = (request.headers.host ?? '').toLowerCase();
    if (!loopbackNames().includes(host)) {
      throw new LiteCnnError('FORBIDDEN_HOST', `Host "${host}" is not allowed; the control API answers only on 127.0.0.1:${port()} or localhost:${port()}.`, { httpStatus: 403 });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !loopbackNames().map((name) => `http://${name}`).includes(origin.toLowerCase())) {
      throw new LiteCnnError('FORBIDDEN_ORIGIN', `Requests from the page at ${origin} are not allowed; only the dashboard at http://127.0.0.1:${port()} may use the control API.`, { httpStatus: 403 });
    }
  });
  const accepted = [tokenSha256(token)];
  requireBearerToken(app, () => accepted, (request) => request.url.startsWith('/api/'), 'Use the token from host.json in the data dir (the litecnn CLI does this for you).');
}
