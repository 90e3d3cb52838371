import pg from 'pg';
import type { Logger } from '../logging/index.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** What repositories need: a pool or a client inside a transaction both satisfy it. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A named (prepared) statement, for the hottest paths. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/**
 * Connections per replica. Webhook intake has a pool of its own, a bulkhead: each delivery holds a
 * connection for a whole transaction, so in an alert storm ten concurrent senders held all ten
 * connections and the incident flow queued behind them for every checkpoint and question (the first
 * question took 1.0–1.5 s; with intake on three connections of its own, 0.6 s; BENCHMARKS.md).
 */
export const GENERAL_CONNECTIONS = 10;
export const INTAKE_CONNECTIONS = 3;

export interface PoolOptions {
  connectionString: string;
  logger: Logger;
  max?: number;
  applicationName?: string;
}

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? GENERAL_CONNECTIONS,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'steward',
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'database connection lost'));
  // Nor may a checked-out one between two queries (a transaction, LangGraph's checkpoint writes): pg
  // emits 'error' on the client itself then, and the pool only listens while it is idle. The query in
  // flight, if any, still fails on its own.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.warn({ err: error }, 'database connection lost while in use'));
  });
  return pool;
}

/** Runs `work` in one transaction: committed as a whole or not at all. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: destroyed, not returned to the pool.
    const broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw error;
  }
}

/** host:port/database without user or password, for logs and status pages. */
export function describeConnection(connectionString: string): string {
  const url = new URL(connectionString);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
