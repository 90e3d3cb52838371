import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../bot/db/free-port.ts';
import { waitFor } from './real-alertmanager.ts';

/** Debian's prometheus; .ci/run installs it. Outside CI a missing binary skips the tests that need it. */
const binary = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((file) => existsSync(file));
if (!binary && process.env.CI === 'true') throw new Error('CI must run the real Prometheus tests: install prometheus');
export const prometheusSkipReason = binary ? undefined : 'prometheus is not installed (apt-get install prometheus)';

/**
 * A real Prometheus on loopback: scrapes `targets` every second, evaluates `rules` (a rule file's
 * text) every second and sends what fires to `alertmanager` (host:port), as a homelab's would.
 */
export async function startRealPrometheus(options: { targets: string[]; rules: string; alertmanager: string }) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-prom-'));
  await writeFile(path.join(workDir, 'rules.yml'), options.rules);
  await writeFile(
    path.join(workDir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${path.join(workDir, 'rules.yml')}`,
      'alerting:',
      '  alertmanagers:',
      '    - static_configs:',
      `        - targets: ['${options.alertmanager}']`,
      'scrape_configs:',
      '  - job_name: homelab',
      '    static_configs:',
      `      - targets: [${options.targets.map((target) => `'${target}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    binary!,
    [
      `--config.file=${path.join(workDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('Prometheus to be ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));

  return {
    url,
    output: () => output,
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export type RealPrometheus = Awaited<ReturnType<typeof startRealPrometheus>>;
