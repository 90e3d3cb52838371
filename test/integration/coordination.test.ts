import { createPostgresCoordination, createRedisCoordination } from '../../bot/coordination/index.ts';
import { coordinationContract } from '../contracts/coordination.contract.ts';
import { createMigratedDatabase, databaseBackends } from '../helpers/databases.ts';
import { redisSkipReason, testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.ts';

for (const backend of databaseBackends()) {
  coordinationContract(`postgres (${backend.name})`, backend.skipReason, async () => {
    const database = await createMigratedDatabase(backend.adminUrl!);
    return { coordination: createPostgresCoordination(database.pool), close: () => database.close() };
  });
}

coordinationContract('redis', redisSkipReason, () => {
  const coordination = createRedisCoordination({ url: testRedisUrl!, keyPrefix: uniqueKeyPrefix() });
  return Promise.resolve({ coordination, close: () => coordination.close() });
});
