import { existsSync } from 'node:fs';
import path from 'node:path';
import { startLoopbackServer } from './loopback-server.ts';

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

/**
 * A real Alertmanager on loopback, routing every alert to `webhookUrl` with a bearer token from a
 * file, as a homelab would configure it, with short group timers so a test sees deliveries in seconds.
 */
export async function startRealAlertmanager(options: { webhookUrl: string; token: string; groupBy: string[] }) {
  const server = await startLoopbackServer({
    name: 'Alertmanager',
    binary: binary!,
    files: (workDir) => ({
      token: options.token,
      'alertmanager.yml': [
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
    }),
    args: ({ workDir, port }) => [
      `--config.file=${path.join(workDir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
  });

  return {
    ...server,
    /** What Prometheus does: posts alerts (with `endsAt` to resolve them). */
    async push(alerts: PushedAlert[]): Promise<void> {
      const response = await fetch(`${server.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (response.status !== 200)
        throw new Error(`Alertmanager refused the alerts (${response.status}): ${server.output()}`);
    },
  };
}

export type RealAlertmanager = Awaited<ReturnType<typeof startRealAlertmanager>>;
