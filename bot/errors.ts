/**
 * Typed errors: every failure a client can see carries a `code`, and the HTTP layer maps codes to
 * statuses in one place. Callers branch on `code`, never on message text.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'store_unavailable'
  | 'config_invalid'
  | 'migration_failed'
  | 'internal';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  store_unavailable: 503,
  config_invalid: 500,
  migration_failed: 500,
  internal: 500,
};

export class StewardError extends Error {
  readonly code: ErrorCode;
  /** Safe to show to a client: names fields, never internals. */
  readonly publicMessage: string;

  constructor(code: ErrorCode, publicMessage: string, options?: { cause?: unknown }) {
    super(publicMessage, options);
    this.name = 'StewardError';
    this.code = code;
    this.publicMessage = publicMessage;
  }

  get httpStatus(): number {
    return statusByCode[this.code];
  }
}

export function isStewardError(error: unknown): error is StewardError {
  return error instanceof StewardError;
}
