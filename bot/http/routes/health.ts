import type { FastifyInstance } from 'fastify';
import type { Coordination } from '../../coordination/index.ts';
import type { Database } from '../../db/open-database.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';

const CHECK_TIMEOUT_MS = 2_000;

interface Check {
  ok: boolean;
  backend: string;
  latencyMs: number;
  error?: string;
}

export interface HealthDeps {
  database: Pick<Database, 'pool' | 'backend'>;
  coordination: Pick<Coordination, 'ping' | 'backend'>;
  metrics: Metrics;
}

/**
 * /healthz: the process is up (liveness; never touches dependencies, so a database outage does not
 * get the pod killed). /readyz: the database and coordination store answer, else 503 naming what is
 * down. Backends are named (`embedded`/`external`, `postgres`/`redis`), locations are not.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const [database, coordination] = await Promise.all([
      check(deps.database.backend, async () => {
        await deps.database.pool.query('SELECT 1');
      }),
      check(deps.coordination.backend, () => deps.coordination.ping()),
    ]);
    const checks = { database, coordination };
    for (const [name, result] of Object.entries(checks)) {
      deps.metrics.dependencyUp.set({ dependency: name, backend: result.backend }, result.ok ? 1 : 0);
    }
    const down = Object.entries(checks)
      .filter(([, result]) => !result.ok)
      .map(([name]) => name);
    if (down.length > 0) {
      request.log.warn({ down }, 'not ready');
      return reply.status(503).send({ status: 'unavailable', down, checks });
    }
    return { status: 'ready', checks };
  });
}

async function check(backend: string, probe: () => Promise<void>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, backend, latencyMs: elapsed(started) };
  } catch (error) {
    // A short, fixed description: driver messages can carry host names.
    const code = (error as { code?: unknown }).code;
    const reason =
      typeof code === 'string' ? code : error instanceof Error && error.message === 'timed out' ? 'timeout' : 'error';
    return { ok: false, backend, latencyMs: elapsed(started), error: reason };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
