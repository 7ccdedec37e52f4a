import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PACKAGE_ROOT } from '../package-root.js';

/**
 * The built dashboard: `dist/web/renderer` (its page and scripts) and `dist/web/shared` (the
 * contract's runtime constants), the same files the Electron window and any browser load.
 */
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dist', 'web');

/** Only the dashboard's own scripts, styles and the images the user drops may load; nothing may frame it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the dashboard at `/` with a strict CSP. */
export function serveDashboard(app: FastifyInstance): void {
  void app.register(fastifyStatic, { root: DASHBOARD_DIR, prefix: '/', index: false });
  app.get('/', (_request, reply) => reply.sendFile('renderer/index.html'));
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) return;
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
  });
}
