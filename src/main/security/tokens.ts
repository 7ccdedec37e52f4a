import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random API token: 32 bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The form a token is stored in (settings, slot config). Tokens are 256 random bits, so a plain
 * SHA-256 is as hard to reverse as a slow password hash would be.
 */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `given` is one of the tokens whose SHA-256 is in `acceptedSha256s`, in constant time per entry. */
export function tokenMatches(given: string, acceptedSha256s: readonly string[]): boolean {
  const digest = createHash('sha256').update(given).digest();
  let matched = false;
  for (const accepted of acceptedSha256s) {
    const expected = Buffer.from(accepted, 'hex');
    if (expected.length === digest.length && timingSafeEqual(digest, expected)) matched = true;
  }
  return matched;
}

/** The token of an `Authorization: Bearer TOKEN` header, or '' when there is none. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : '';
}
