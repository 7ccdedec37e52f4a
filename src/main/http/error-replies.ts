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
 * (404) and known routes called with the wrong method (405, with an Allow header). Under
 * `protocolPrefix` (the Open Inference Protocol's `/v2`) every error, those two included, answers
 * as that protocol specifies: `{ "error": "message" }`.
 */
export function useErrorReplies(app: FastifyInstance, log: { error(obj: unknown, msg: string): void }, protocolPrefix?: string): void {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    // A catch-all (the dashboard's files) does not make every path a known one.
    if (route.url.includes('*')) return;
    // `/v2/models/:name/infer` matches any one segment for `:name`; a trailing slash is the same route.
    const pattern = new RegExp(`^${route.url.replace(/\/+$/, '').split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
    routes.push({ pattern, methods: Array.isArray(route.method) ? route.method : [route.method] });
  });
  /** The methods some route answers on `path`, when only the method was wrong. */
  const methodsOn = (path: string): Set<string> => new Set(routes.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods));
  const underProtocol = (url: string): boolean => {
    const path = url.split('?')[0] ?? '';
    return protocolPrefix !== undefined && (path === protocolPrefix || path.startsWith(`${protocolPrefix}/`));
  };
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReply(error);
    if (status >= 500) log.error({ err: error }, 'request failed');
    // The rest of an oversized body was never read, so this connection cannot carry another request.
    if (status === 413) void reply.header('connection', 'close');
    if (error instanceof LiteCnnError && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send(underProtocol(request.url) ? { error: body.error.message } : body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const plain = underProtocol(request.url);
    const send = (status: number, code: ErrorCode, message: string): void => void reply.status(status).send(plain ? { error: message } : { error: { code, message } });
    const allowed = methodsOn(path);
    if (allowed.size > 0) {
      const allow = [...allowed].filter((m) => m !== 'HEAD').join(', ');
      void reply.header('allow', allow);
      send(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allow}.`);
      return;
    }
    send(404, 'NOT_FOUND', `No such endpoint: ${request.method} ${path}.`);
  });
}
