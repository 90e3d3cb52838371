import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { closeFakeServer } from '../fakes/close-server.ts';
import { gathering, type LlmProxyFake, type ReceivedRequest } from '../fakes/llm-proxy.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { alertmanagerSkipReason, startRealAlertmanager, type RealAlertmanager } from '../helpers/real-alertmanager.ts';
import { prometheusSkipReason, startRealPrometheus, type RealPrometheus } from '../helpers/real-prometheus.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const AM_TOKEN = 'alertmanager-bearer-token-0123456789';
const skipReason = prometheusSkipReason ?? alertmanagerSkipReason;

function defaultAnswer(request: ReceivedRequest): string {
  const schema = JSON.stringify(request.responseFormat ?? {});
  if (schema.includes('severity'))
    return JSON.stringify({
      problem: true,
      severity: 'warning',
      reason: 'the sonarr queue keeps growing',
      confidence: 0.8,
    });
  if (schema.includes('relevant'))
    return JSON.stringify({
      diagnosis: 'The sonarr queue grows every scrape while radarr-0 crash-loops.',
      relevant: [],
    });
  return JSON.stringify({ diagnosis: 'queue backlog', options: [] });
}

/**
 * The issue's end-to-end path with real monitoring: a small exporter whose queue grows → a real
 * Prometheus scraping it every second, with a rule file → its alert through a real Alertmanager →
 * Steward, which queries that Prometheus for the rule's series and calls a read-only MCP tool the
 * model chose → "Is this a problem?" with findings quoting both.
 */
describe.skipIf(skipReason !== undefined)(
  `a real Prometheus rule to a question with findings${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let litellm: LlmProxyFake;
    let alertmanager: RealAlertmanager;
    let prometheus: RealPrometheus;
    let runtime: Runtime;
    let exporter: http.Server;
    let scrapes = 0;
    const steward = useTestRuntime('steward-prom-findings-');
    const shell = fakeTerminal();

    beforeAll(async () => {
      // The exporter: one gauge in the Prometheus text format, 3 at the first scrape and one more at each.
      exporter = http.createServer((request, response) => {
        if (request.url !== '/metrics') return response.writeHead(404).end();
        const depth = 3 + scrapes++;
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        response.end(
          `# HELP media_queue_depth Items waiting in the download queue.\n# TYPE media_queue_depth gauge\nmedia_queue_depth{app="sonarr"} ${depth}\n`,
        );
      });
      await steward.track(
        new Promise<http.Server>((resolve) => exporter.listen(0, '127.0.0.1', () => resolve(exporter))),
        closeFakeServer,
      );
      const exporterAddress = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;

      litellm = await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: defaultAnswer });
      // Triage beside the investigation: the investigating model lists the media pods, then answers.
      litellm.script('gemini-flash', {
        toolCalls: [{ name: 'list_pods', arguments: { namespace: 'media' } }],
        when: gathering,
      });
      const port = await findFreePort();
      alertmanager = await steward.track(
        startRealAlertmanager({
          webhookUrl: `http://127.0.0.1:${port}/webhooks/alertmanager`,
          token: AM_TOKEN,
          groupBy: ['alertname'],
        }),
      );
      prometheus = await steward.track(
        startRealPrometheus({
          targets: [exporterAddress],
          alertmanager: new URL(alertmanager.url).host,
          rules: [
            'groups:',
            '  - name: media',
            '    rules:',
            '      - alert: QueueBacklog',
            '        expr: media_queue_depth > 6',
            '        labels: { severity: warning }',
            '        annotations: { summary: "the sonarr queue is backed up" }',
            '',
          ].join('\n'),
        }),
      );
      runtime = await steward.start({
        mcp: true,
        // A one-minute window: the test's series is seconds old, and a trend needs points.
        config: ['investigation:', '  metrics_window: 1m'],
        env: {
          HOST: '127.0.0.1',
          PORT: String(port),
          ALERTMANAGER_TOKEN: AM_TOKEN,
          PROMETHEUS_URL: prometheus.url,
        },
        terminal: shell.terminal,
      });
      await runtime.app.listen({ host: '127.0.0.1', port });
    }, 60_000);

    const mcpCalls = () => readMcpCalls(steward.callLog);

    it('asks with findings that quote the metric summary and the read-only tool', async () => {
      await until('the question', () => shell.printed().includes('Is this a problem?'), 60_000);
      const question = shell.printed();
      expect(question).toContain('🔔 Issue detected');
      expect(question).toContain('QueueBacklog');
      // Prometheus's own generatorURL carried the rule's expression; Steward queried it without the threshold.
      expect(question).toMatch(
        /• Prometheus media_queue_depth: “media_queue_depth\{app="sonarr", instance="127\.0\.0\.1:\d+", job="homelab"\}: (\d+) → (\d+) \(min \1, max \2, rising\)”/,
      );
      expect(question).toContain('• tool list_pods {"namespace":"media"}: “namespace media”');
      expect(question).toContain('🤖 The sonarr queue grows every scrape while radarr-0 crash-loops.');
      expect(mcpCalls()).toEqual([expect.objectContaining({ tool: 'list_pods', arguments: { namespace: 'media' } })]);
      const generator = await runtime.database.pool.query<{ generator_url: string }>(
        'SELECT generator_url FROM alerts LIMIT 1',
      );
      expect(new URL(generator.rows[0]!.generator_url).searchParams.get('g0.expr')).toBe('media_queue_depth > 6');
    }, 90_000);
  },
);
