import { dirname } from 'node:path';
import { LiteCnnError, isErrnoError } from '../errors.js';

const OUT_OF_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const NOT_WRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * A write that failed for a reason the user can fix (a full disk or quota, a read-only or
 * forbidden folder), as a LiteCnnError that names the folder (the failed path's, else `folder`)
 * and what to do; null for any other failure. Follows `cause`s, because a failed download
 * arrives wrapped as a transfer error.
 */
export function storageError(error: unknown, folder: string): LiteCnnError | null {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (!isErrnoError(current)) continue;
    const where = current.path ? dirname(current.path) : folder;
    if (OUT_OF_SPACE.has(current.code!)) {
      return new LiteCnnError('DISK_FULL', `No space left on the disk that holds ${where} (${current.message}). Free some space there (a lower historyLimit keeps fewer old versions in weights/history, a lower evaluationsKept fewer evaluations in evals/), then try again.`, { subject: where, httpStatus: 507, cause: error });
    }
    if (NOT_WRITABLE.has(current.code!)) {
      return new LiteCnnError('FOLDER_NOT_WRITABLE', `${where} cannot be written (${current.message}). Make it writable (is it mounted read-only? check its owner and permissions), then try again.`, { subject: where, httpStatus: 507, cause: error });
    }
  }
  return null;
}
