import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Coordination, DueItem, Lock } from './types.ts';

const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const INCREMENT_IN_WINDOW = `local v = redis.call('incrby', KEYS[1], ARGV[1])
if redis.call('pttl', KEYS[1]) < 0 then redis.call('pexpire', KEYS[1], ARGV[2]) end
return v`;
// Pop due members atomically: a member goes to exactly one caller.
const TAKE_DUE = `local members = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local out = {}
for i = 1, #members, 2 do
  local member = members[i]
  redis.call('zrem', KEYS[1], member)
  local payload = redis.call('hget', KEYS[2], member)
  redis.call('hdel', KEYS[2], member)
  table.insert(out, member)
  table.insert(out, members[i + 1])
  table.insert(out, payload or 'null')
end
return out`;

export interface RedisCoordinationOptions {
  url: string;
  keyPrefix: string;
  onError?: (error: Error) => void;
}

export function createRedisCoordination(options: RedisCoordinationOptions): Coordination {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
  });
  redis.on('error', (error: Error) => options.onError?.(error));

  const queueKey = (queue: string) => `queue:${queue}`;
  const payloadKey = (queue: string) => `queue:${queue}:payload`;

  return {
    backend: 'redis',

    async claimOnce(key, ttlMs) {
      return (await redis.set(`claim:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },

    async acquireLock(key, ttlMs) {
      const token = randomUUID();
      const lockKey = `lock:${key}`;
      if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      const lock: Lock = {
        key,
        token,
        release: async () => (await redis.eval(RELEASE_IF_OWNER, 1, lockKey, token)) === 1,
        extend: async (ms: number) => (await redis.eval(EXTEND_IF_OWNER, 1, lockKey, token, ms)) === 1,
      };
      return lock;
    },

    async increment(key, windowMs, by = 1) {
      return Number(await redis.eval(INCREMENT_IN_WINDOW, 1, `counter:${key}`, by, windowMs));
    },

    async readCounter(key) {
      return Number((await redis.get(`counter:${key}`)) ?? 0);
    },

    async schedule(queue, member, dueAt, payload = null) {
      await redis
        .multi()
        .zadd(queueKey(queue), dueAt.getTime(), member)
        .hset(payloadKey(queue), member, JSON.stringify(payload))
        .exec();
    },

    async cancel(queue, member) {
      const results = await redis.multi().zrem(queueKey(queue), member).hdel(payloadKey(queue), member).exec();
      return Number(results?.[0]?.[1] ?? 0) > 0;
    },

    async takeDue(queue, now, limit = 100) {
      const flat = (await redis.eval(
        TAKE_DUE,
        2,
        queueKey(queue),
        payloadKey(queue),
        now.getTime(),
        limit,
      )) as string[];
      return toItems(flat);
    },

    async listScheduled(queue, limit = 100) {
      const flat = await redis.zrange(queueKey(queue), '0', String(limit - 1), 'WITHSCORES');
      const members = flat.filter((_, index) => index % 2 === 0);
      const payloads = members.length > 0 ? await redis.hmget(payloadKey(queue), ...members) : [];
      const withPayload = members.flatMap((member, index) => [member, flat[index * 2 + 1]!, payloads[index] ?? 'null']);
      return toItems(withPayload);
    },

    async ping() {
      await redis.ping();
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Flat [member, score, payloadJson, …] triples from Lua or ZRANGE into items. */
function toItems(flat: string[]): DueItem[] {
  const items: DueItem[] = [];
  for (let i = 0; i < flat.length; i += 3) {
    items.push({ member: flat[i]!, dueAt: new Date(Number(flat[i + 1])), payload: JSON.parse(flat[i + 2] ?? 'null') });
  }
  return items;
}
