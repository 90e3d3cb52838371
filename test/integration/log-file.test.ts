import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import { processesMentioning, startService, type ServiceProcess } from '../helpers/service-process.ts';
import { until } from '../helpers/until.ts';

describe('LOG_FILE, for the service as a process', () => {
  let service: ServiceProcess | undefined;
  let dataDir = '';
  afterAll(async () => {
    // Kills its embedded PostgreSQL too, when the test failed or timed out before a clean stop.
    await service?.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'says at start where the logs go, and writes them there instead of standard output',
    { timeout: 120_000 },
    async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-logfile-'));
      await chmod(dataDir, 0o755);
      const file = path.join(dataDir, 'logs', 'steward.log');
      service = startService({
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(await findFreePort()),
        LOG_FILE: file,
      });
      // Whole lines only: the last one may still be being written.
      const lines = () => {
        const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        return text
          .slice(0, text.lastIndexOf('\n') + 1)
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { msg: string });
      };
      await until(
        'steward listening, in the file',
        () => lines().some((line) => line.msg === 'steward listening'),
        100_000,
      );
      expect(service.output()).toBe(`steward: logging to ${file} (json)\n`);
      expect((await service.stop('SIGTERM')).code).toBe(0);
      expect(lines().at(-1)?.msg).toBe('shutdown complete');
      // The embedded server stops after the pools have closed their connections, not under them.
      expect(lines().filter((line) => line.msg.startsWith('database connection lost'))).toEqual([]);
      expect(processesMentioning(dataDir)).toEqual([]);
    },
  );
});
