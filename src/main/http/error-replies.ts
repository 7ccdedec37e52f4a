import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';
import { LiteCnnError } from '../errors.js';

/** An error as the status and JSON body every LiteCNN HTTP server answers with. */
export function errorReply(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof LiteCnnError) {
    return { status: error.httpStatus, body: { error: error.toJSON() } };
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: { code: codeForStatus(status), message: clientMessage(status, error as FastifyError) } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error; see the server log for details.' } } };
}

function codeForStatus(status: number): ErrorCode {
  if (status === 413) return 'BODY_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  return 'BAD_REQUEST';
}

function clientMessage(status: number, error: FastifyError): string {
  if (status === 413) return `The request body is larger than this server accepts. Send a smaller image. (${error.message})`;
  if (status === 415) return `Unsupported content type. Send the image as multipart/form-data in a field named "image" (curl -F image=@photo.jpg), or as a raw body with an image/* content type.`;
  return `Bad request: ${error.message}`;
}

/**
 * Gives a Fastify server the LiteCNN error format for every failure, including unknown routes
 * (404) and known routes called with the wrong method (405, with an Allow header).
 */
export function useErrorReplies(app: FastifyInstance, log: { error(obj: unknown, msg: string): void }): void {
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of methods) known.add(method);
    methodsByPath.set(route.url, known);
  });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorReply(error);
    if (status >= 500) log.error({ err: error }, 'request failed');
    // The rest of an oversized body was never read, so this connection cannot carry another request.
    if (status === 413) void reply.header('connection', 'close');
    if (error instanceof LiteCnnError && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsByPath.get(path);
    if (allowed) {
      const allow = [...allowed].filter((m) => m !== 'HEAD').join(', ');
      void reply.status(405).header('allow', allow).send({ error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not allowed on ${path}; use ${allow}.` } });
      return;
    }
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No such endpoint: ${request.method} ${path}.` } });
  });
}
