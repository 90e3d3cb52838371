import { StewardError } from '../errors.ts';

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * True when an error means "the store cannot be reached now", as opposed to a bad query: connection
 * failures, server shutdown (SQLSTATE class 08 and 57P0x), and pool time-outs. Callers answer 503
 * so that senders such as Alertmanager retry.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkCodes.has(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') {
    // pg reports these without a code.
    if (message.includes('timeout exceeded when trying to connect')) return true;
    if (message.includes('Connection terminated')) return true;
    if (message.includes('Client has encountered a connection error')) return true;
  }
  return false;
}

/** Wraps store outages as a typed 503; anything else is rethrown unchanged. */
export function toStoreError(error: unknown): unknown {
  if (isStoreUnavailable(error))
    return new StewardError('store_unavailable', 'storage is unavailable, retry later', { cause: error });
  return error;
}
