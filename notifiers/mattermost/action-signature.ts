import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Mattermost adds no authentication to button callbacks, so each button carries its own proof: the
 * question, the option and an expiry, signed with HMAC-SHA256. Mattermost keeps `context` server-side
 * (clients never see it); anything unsigned, altered or expired is refused.
 */
export interface ActionContext {
  question: string;
  option: string;
  /** Epoch ms after which the button no longer counts. */
  expires: number;
  signature: string;
}

export type ActionCheck =
  { ok: true; question: string; option: string } | { ok: false; reason: 'unsigned' | 'altered' | 'expired' };

export function signAction(secret: string, question: string, option: string, expires: number): ActionContext {
  return { question, option, expires, signature: mac(secret, question, option, expires) };
}

export function verifyAction(secret: string, context: unknown, now: number): ActionCheck {
  if (!context || typeof context !== 'object') return { ok: false, reason: 'unsigned' };
  const { question, option, expires, signature } = context as Partial<Record<keyof ActionContext, unknown>>;
  if (
    typeof signature !== 'string' ||
    typeof question !== 'string' ||
    typeof option !== 'string' ||
    typeof expires !== 'number'
  ) {
    return { ok: false, reason: 'unsigned' };
  }
  const expected = Buffer.from(mac(secret, question, option, expires));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'altered' };
  if (now > expires) return { ok: false, reason: 'expired' };
  return { ok: true, question, option };
}

function mac(secret: string, question: string, option: string, expires: number): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify([question, option, expires]))
    .digest('base64url');
}
