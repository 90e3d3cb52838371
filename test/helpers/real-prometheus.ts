import { existsSync } from 'node:fs';
import path from 'node:path';
import { startLoopbackServer } from './loopback-server.ts';

/** Debian's prometheus; .ci/run installs it. Outside CI a missing binary skips the tests that need it. */
const binary = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((file) => existsSync(file));
if (!binary && process.env.CI === 'true') throw new Error('CI must run the real Prometheus tests: install prometheus');
export const prometheusSkipReason = binary ? undefined : 'prometheus is not installed (apt-get install prometheus)';

/**
 * A real Prometheus on loopback: scrapes `targets` every second, evaluates `rules` (a rule file's
 * text) every second and sends what fires to `alertmanager` (host:port), as a homelab's would.
 */
export async function startRealPrometheus(options: { targets: string[]; rules: string; alertmanager: string }) {
  return startLoopbackServer({
    name: 'Prometheus',
    binary: binary!,
    files: (workDir) => ({
      'rules.yml': options.rules,
      'prometheus.yml': [
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
    }),
    args: ({ workDir, port, url }) => [
      `--config.file=${path.join(workDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
    ],
  });
}

export type RealPrometheus = Awaited<ReturnType<typeof startRealPrometheus>>;
