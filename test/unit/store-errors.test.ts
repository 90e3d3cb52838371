import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, toStoreError } from '../../bot/db/store-errors.ts';
import { StewardError } from '../../bot/errors.ts';

describe('isStoreUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [new Error('timeout exceeded when trying to connect')],
    [new Error('Connection terminated unexpectedly')],
  ])('treats %o as an outage', (error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([[{ code: '23505' }], [{ code: '42P01' }], [new Error('syntax error')], [null], ['text']])(
    'treats %o as a query error',
    (error) => {
      expect(isStoreUnavailable(error)).toBe(false);
    },
  );

  it('wraps outages as store_unavailable (503) and leaves other errors alone', () => {
    const wrapped = toStoreError({ code: 'ECONNREFUSED' });
    expect(wrapped).toBeInstanceOf(StewardError);
    expect((wrapped as StewardError).httpStatus).toBe(503);
    const other = { code: '23505' };
    expect(toStoreError(other)).toBe(other);
  });
});
