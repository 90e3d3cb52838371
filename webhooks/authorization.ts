import { timingSafeEqual } from 'node:crypto';

export interface Credentials {
  bearer?: string;
  basic?: { user: string; password: string };
  /** The shared secret a signing sender (GitHub) computes its HMAC with. */
  signatureSecret?: string;
}

export type AuthOutcome = 'ok' | 'missing' | 'invalid';

/**
 * Checks an Authorization header against the configured credentials in constant time (no early exit
 * on the first differing byte, no length leak beyond the hash). Bearer and Basic are both accepted
 * when both are configured.
 */
export function checkAuthorization(header: string | undefined, credentials: Credentials): AuthOutcome {
  if (!header) return 'missing';
  const space = header.indexOf(' ');
  if (space < 0) return 'invalid';
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && credentials.bearer !== undefined) {
    return constantTimeEqual(value, credentials.bearer) ? 'ok' : 'invalid';
  }
  if (scheme === 'basic' && credentials.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const expected = `${credentials.basic.user}:${credentials.basic.password}`;
    return constantTimeEqual(decoded, expected) ? 'ok' : 'invalid';
  }
  return 'invalid';
}

export function hasCredentials(credentials: Credentials): boolean {
  return (
    credentials.bearer !== undefined || credentials.basic !== undefined || credentials.signatureSecret !== undefined
  );
}

export function constantTimeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare equal-length buffers always; the length check is folded in after.
  const padded = Buffer.alloc(b.length);
  a.copy(padded, 0, 0, Math.min(a.length, b.length));
  return timingSafeEqual(padded, b) && a.length === b.length;
}
