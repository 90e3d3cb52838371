import { randomBytes } from 'node:crypto';

export const testRedisUrl = process.env.TEST_REDIS_URL;
export const redisSkipReason = testRedisUrl ? undefined : 'TEST_REDIS_URL not set';

/** Keys of parallel test files never collide. */
export function uniqueKeyPrefix(): string {
  return `steward-test:${randomBytes(6).toString('hex')}:`;
}
