import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../bot/config/index.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createRuntimeLogging, startRuntime, type Runtime } from '../../bot/runtime/start-runtime.ts';
import { closeFakeServer } from '../fakes/close-server.ts';
import { startLlmProxyFake, type LlmProxyFake, type ReceivedRequest } from '../fakes/llm-proxy.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { mcpTestServerSection } from '../helpers/mcp-test-server-config.ts';
import { alertmanagerSkipReason, startRealAlertmanager, type RealAlertmanager } from '../helpers/real-alertmanager.ts';
import { prometheusSkipReason, startRealPrometheus, type RealPrometheus } from '../helpers/real-prometheus.ts';
import { until } from '../helpers/until.ts';

const LLM_KEY = 'sk-litellm-virtual-key-0123456789';
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
    let database: TestDatabase;
    let litellm: LlmProxyFake;
    let alertmanager: RealAlertmanager;
    let prometheus: RealPrometheus;
    let runtime: Runtime;
    let exporter: http.Server;
    let scrapes = 0;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-prom-findings-'));
    const callLog = path.join(dir, 'mcp-calls.jsonl');
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
      await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
      const exporterAddress = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;

      database = await createTestDatabase(databaseBackends()[0]!.adminUrl!);
      litellm = await startLlmProxyFake({
        flavour: 'litellm',
        apiKey: LLM_KEY,
        models: ['gemini-flash', 'gemini-pro'],
        defaultContent: defaultAnswer,
      });
      // Triage, then the investigation: the model lists the media pods, then answers.
      litellm.script('gemini-flash', {}, { toolCalls: [{ name: 'list_pods', arguments: { namespace: 'media' } }] }, {});
      const port = await findFreePort();
      alertmanager = await startRealAlertmanager({
        webhookUrl: `http://127.0.0.1:${port}/webhooks/alertmanager`,
        token: AM_TOKEN,
        groupBy: ['alertname'],
      });
      const configFile = path.join(dir, 'steward.yaml');
      // A one-minute window: the test's series is seconds old, and a trend needs points.
      writeFileSync(
        configFile,
        [
          ...mcpTestServerSection('k8s', { MCP_CALL_LOG: '${MCP_CALL_LOG}' }),
          'investigation:',
          '  metrics_window: 1m',
        ].join('\n'),
      );
      prometheus = await startRealPrometheus({
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
      });
      const env = {
        DATABASE_URL: database.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        ALERTMANAGER_TOKEN: AM_TOKEN,
        STEWARD_CONFIG: configFile,
        RUNBOOK_DIR: path.join(dir, 'runbooks'),
        LLM_BASE_URL: litellm.url,
        LLM_API_KEY: LLM_KEY,
        PROMETHEUS_URL: prometheus.url,
        MCP_CALL_LOG: callLog,
      };
      const config = readConfig(env);
      runtime = await startRuntime(config, createRuntimeLogging(config, env, captureLogs().stream), {
        terminal: shell.terminal,
        env,
      });
      await runtime.app.listen({ host: '127.0.0.1', port });
    }, 60_000);
    afterAll(async () => {
      await runtime?.shutdown.run('test over');
      await prometheus?.stop();
      await alertmanager?.stop();
      await litellm?.close();
      if (exporter) await closeFakeServer(exporter);
      await database?.drop();
    });

    const mcpCalls = () =>
      existsSync(callLog)
        ? readFileSync(callLog, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { tool: string; arguments: unknown })
        : [];

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
