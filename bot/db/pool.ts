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

/** How long end() waits for the server to close the sockets (an unreachable server never does). */
const SOCKET_CLOSE_WAIT_MS = 3_000;

/**
 * pg-pool's end() resolves once it has asked each connection to close, before the server has closed
 * them. Stopping the embedded server right after cut those connections off: each logged "database
 * connection lost while in use" on every clean shutdown. Here end() resolves once every connection's
 * socket has closed too (pg-pool emits 'remove' then), so what comes after finds no connection left.
 */
class SocketClosingPool extends pg.Pool {
  readonly #open = new Set<pg.PoolClient>();
  #lastClosed: (() => void) | undefined;

  constructor(config: pg.PoolConfig) {
    super(config);
    this.on('connect', (client) => this.#open.add(client));
    this.on('remove', (client) => {
      this.#open.delete(client);
      if (this.#open.size === 0) this.#lastClosed?.();
    });
  }

  override end(): Promise<void>;
  override end(callback: () => void): void;
  override end(callback?: () => void): Promise<void> | void {
    const ended = super.end().then(() => this.#socketsClosed());
    if (!callback) return ended;
    void ended.then(callback);
  }

  async #socketsClosed(): Promise<void> {
    if (this.#open.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.#lastClosed = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SOCKET_CLOSE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }
}

export function createPool(options: PoolOptions): Pool {
  const pool = new SocketClosingPool({
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
