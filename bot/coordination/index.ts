export type { Coordination, DueItem, Lock } from './types.ts';
export { createCoordination } from './create-coordination.ts';
export { createRedisCoordination } from './redis.ts';
export { createPostgresCoordination } from './postgres.ts';
