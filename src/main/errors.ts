import type { ErrorCode } from '../shared/errors.js';

/**
 * An expected failure: a stable `code`, a message that says what went wrong and what to do,
 * and the thing that failed (a file, a port, a host), so callers never parse message text.
 */
export class LiteCnnError extends Error {
  readonly code: ErrorCode;
  readonly subject: string | undefined;
  readonly httpStatus: number;
  /** Sent as Retry-After with a 429 or 503 answer. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { subject?: string; httpStatus?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LiteCnnError';
    this.code = code;
    this.subject = options.subject;
    this.httpStatus = options.httpStatus ?? 500;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True for Node system errors such as ENOENT or EADDRINUSE. */
export function isErrnoError(error: unknown, code?: string): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
    && (code === undefined || (error as NodeJS.ErrnoException).code === code);
}

/** The message of anything thrown, for logs and error answers. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
