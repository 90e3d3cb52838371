import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../bot/db/free-port.ts';

/** Debian's prometheus-alertmanager; .ci/run installs it. Outside CI a missing binary skips the tests that need it. */
const binary = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager'].find((file) => existsSync(file));
if (!binary && process.env.CI === 'true')
  throw new Error('CI must run the real Alertmanager tests: install prometheus-alertmanager');
export const alertmanagerSkipReason = binary
  ? undefined
  : 'prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)';

export interface PushedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A real Alertmanager on loopback, routing every alert to `webhookUrl` with a bearer token from a
 * file, as a homelab would configure it, with short group timers so a test sees deliveries in seconds.
 */
export async function startRealAlertmanager(options: { webhookUrl: string; token: string; groupBy: string[] }) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-am-'));
  await writeFile(path.join(workDir, 'token'), options.token);
  await writeFile(
    path.join(workDir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: steward',
      `  group_by: [${options.groupBy.join(', ')}]`,
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: steward',
      '    webhook_configs:',
      `      - url: ${options.webhookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      '            type: Bearer',
      `            credentials_file: ${path.join(workDir, 'token')}`,
      '',
    ].join('\n'),
  );
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    binary!,
    [
      `--config.file=${path.join(workDir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('Alertmanager to be ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));

  return {
    url,
    output: () => output,
    /** What Prometheus does: posts alerts (with `endsAt` to resolve them). */
    async push(alerts: PushedAlert[]): Promise<void> {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (response.status !== 200) throw new Error(`Alertmanager refused the alerts (${response.status}): ${output}`);
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export type RealAlertmanager = Awaited<ReturnType<typeof startRealAlertmanager>>;
