import { LiteCnnError, describeError } from '../errors.js';

/** Prints a failure the way every litecnn command does (no stack traces for expected errors) and sets the exit code. */
export function reportCliError(error: unknown): void {
  if (error instanceof LiteCnnError) {
    process.stderr.write(`litecnn: ${error.message} [${error.code}]\n`);
  } else {
    process.stderr.write(`litecnn: unexpected error: ${describeError(error)}\n${error instanceof Error ? error.stack ?? '' : ''}\n`);
  }
  process.exitCode = 1;
}
