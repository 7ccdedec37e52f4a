import { LiteCnnError } from '../errors.js';

const SEMVER_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;

/** The next release tag: a minor bump of the last one (v1.2.0 -> v1.3.0), v1.0.0 for the first. */
export function nextReleaseTag(lastTag: string | null): string {
  const match = lastTag ? SEMVER_TAG.exec(lastTag) : null;
  if (!match) return 'v1.0.0';
  return `v${match[1]}.${Number(match[2]) + 1}.0`;
}

/** Checks a tag given by the user: vMAJOR.MINOR.PATCH. */
export function checkReleaseTag(tag: string): string {
  if (!SEMVER_TAG.test(tag)) {
    throw new LiteCnnError('BAD_REQUEST', `"${tag}" is not a release tag; use vMAJOR.MINOR.PATCH, e.g. v1.2.0.`, { subject: tag, httpStatus: 400 });
  }
  return tag;
}
