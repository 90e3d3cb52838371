import type { Pool } from '../db/pool.ts';
import type { Logger } from '../logging/index.ts';
import { createPostgresCoordination } from './postgres.ts';
import { createRedisCoordination } from './redis.ts';
import type { Coordination } from './types.ts';

export interface CoordinationOptions {
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  pool: Pool;
  logger: Logger;
}

export function createCoordination(options: CoordinationOptions): Coordination {
  if (!options.redisUrl) {
    options.logger.info({ backend: 'postgres' }, 'coordination on PostgreSQL (REDIS_URL unset)');
    return createPostgresCoordination(options.pool);
  }
  const url = new URL(options.redisUrl);
  options.logger.info(
    { backend: 'redis', location: `${url.hostname}:${url.port || '6379'}${url.pathname}` },
    'coordination on Redis',
  );
  let lastErrorLog = 0;
  return createRedisCoordination({
    url: options.redisUrl,
    keyPrefix: options.redisKeyPrefix,
    // ioredis emits an error on every reconnect attempt; log at most one every 10 s.
    onError: (error) => {
      if (Date.now() - lastErrorLog < 10_000) return;
      lastErrorLog = Date.now();
      options.logger.warn({ err: error }, 'redis connection error');
    },
  });
}
