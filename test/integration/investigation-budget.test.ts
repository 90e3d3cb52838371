import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createLlmUsageLog } from '../../bot/db/repositories/llm-usage.ts';
import { investigate, type InvestigationRequest } from '../../bot/investigation/investigate.ts';
import { readInvestigationConfig } from '../../bot/investigation/investigation-config.ts';
import { createPrometheusClient } from '../../bot/investigation/prometheus-client.ts';
import { createLlmGateway } from '../../bot/llm/gateway.ts';
import { createQuota } from '../../bot/llm/quota.ts';
import { defaultRouting } from '../../bot/llm/route-request.ts';
import { createMcpHub, type McpHub } from '../../bot/mcp/mcp-hub.ts';
import { readOnlyTools } from '../../bot/mcp/read-only-tools.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { startLlmProxyFake, type LlmProxyFake } from '../fakes/llm-proxy.ts';
import { startPrometheusFake, type PrometheusFake } from '../fakes/prometheus-api.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { mcpTestServer } from '../helpers/mcp-test-server-config.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';

const KEY = 'sk-litellm-virtual-key-0123456789';
/** slow_tool is vouched read-only so that a slow read can be tested; restart_pod is not read-only, scale_* is redlined. */
const policy = { redlines: ['scale_*'], readOnly: ['slow_tool'] };
const GENERATOR = 'http://prometheus:9090/graph?g0.expr=node_load1+%3E+3&g0.tab=1';
const answer = (diagnosis: string, relevant: string[] = []) => ({ content: JSON.stringify({ diagnosis, relevant }) });

/**
 * One investigation against the real gateway (LiteLLM fake answering with OpenAI tool calls), the real
 * MCP client and stdio test server, a loopback Prometheus API and the database: what it gathers, and
 * that each limit of its budget (calls, time, characters) holds.
 */
describe('an investigation within its budget', () => {
  const database = useMigratedDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-investigation-'));
  const log = path.join(dir, 'calls.jsonl');
  let litellm: LlmProxyFake;
  let prometheus: PrometheusFake;
  let hub: McpHub;
  let incidentId: number;

  beforeAll(async () => {
    hub = createMcpHub({
      servers: [
        {
          name: 'k8s',
          command: process.execPath,
          args: ['--import', 'tsx', mcpTestServer],
          env: { MCP_CALL_LOG: log },
        },
      ],
      logger: silentLogger(),
    });
    await hub.start();
    const { pool } = database;
    incidentId = Number(
      (
        await pool.query<{ id: string }>(
          "INSERT INTO incidents (source, external_key, title, labels) VALUES ('alertmanager', 'g-load', 'HighLoad sonarr', '{\"application\":\"sonarr\"}') RETURNING id",
        )
      ).rows[0]!.id,
    );
    await pool.query(
      "INSERT INTO alerts (incident_id, fingerprint, alertname, status, generator_url) VALUES ($1, 'f1', 'HighLoad', 'firing', $2)",
      [incidentId, GENERATOR],
    );
    await pool.query(
      `INSERT INTO events (source, kind, subject, occurred_at, payload) VALUES
         ('coroot', 'deployment', 'sonarr', now() - interval '2 hours', '{"version":"4.0.1","status":"Deployed","summary":"image bumped"}'),
         ('coroot', 'deployment', 'sonarr', now() - interval '30 hours', '{"version":"3.9.0","status":"Deployed"}'),
         ('coroot', 'deployment', 'radarr', now() - interval '1 hour', '{"version":"5.0.0","status":"Deployed"}')`,
    );
    await pool.query(
      "INSERT INTO incidents (source, external_key, title, labels, opened_at) VALUES ('coroot', 'incident:x', 'sonarr: CPU', '{\"application\":\"sonarr\"}', now() - interval '3 hours')",
    );
  });
  beforeEach(async () => {
    await litellm?.close();
    await prometheus?.close();
    litellm = await startLlmProxyFake({ flavour: 'litellm', apiKey: KEY, models: ['gemini-flash', 'claude-sonnet'] });
    prometheus = await startPrometheusFake({
      series: (query) =>
        query === 'node_load1'
          ? [{ metric: { __name__: 'node_load1', instance: 'nas:9100' }, values: [0.5, 0.4, 1.5, 3.2, 3.6] }]
          : [],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await litellm?.close();
    await prometheus?.close();
  });

  const calls = () => readMcpCalls(log);
  const run = (
    budget: Record<string, unknown>,
    request: Partial<InvestigationRequest> = {},
    prometheusUrl = prometheus.url,
  ) =>
    investigate(
      {
        budget: readInvestigationConfig(budget),
        db: database.pool,
        llm: createLlmGateway({
          proxy: { baseUrl: litellm.url, apiKey: KEY },
          routing: defaultRouting,
          quota: createQuota({
            coordination: createPostgresCoordination(database.pool),
            onWarning: () => Promise.resolve(),
          }),
          usage: createLlmUsageLog(database.pool),
          metrics: createMetrics(),
          logger: silentLogger(),
        }),
        tools: () => readOnlyTools(['*'], hub.tools(), policy, (name, args) => hub.call(name, args)),
        prometheus: createPrometheusClient({ baseUrl: prometheusUrl, bearerToken: 'prometheus-token-123' }),
        logger: silentLogger(),
      },
      {
        incidentId,
        facts: { title: 'HighLoad sonarr' },
        labels: { application: 'sonarr' },
        application: 'sonarr',
        generatorUrls: [GENERATOR],
        earlier: [],
        deep: false,
        ...request,
      },
    );

  it("gathers the alert's series as a summary, the application's recent deployments and the read-only tools the model chooses", async () => {
    litellm.script(
      'gemini-flash',
      {
        toolCalls: [
          { name: 'list_pods', arguments: { namespace: 'media' } },
          { name: 'restart_pod', arguments: { name: 'sonarr-0', namespace: 'media' } },
        ],
      },
      answer('Load on the NAS rose after sonarr 4.0.1 was deployed.', [
        'coroot:sonarr',
        'prometheus:node_load1',
        'made-up-id',
      ]),
    );
    const before = calls().length;
    const result = await run({});

    // The rule's expression without its threshold, over the last hour, with the configured credentials.
    expect(prometheus.received).toHaveLength(1);
    expect(prometheus.received[0]).toMatchObject({ query: 'node_load1', authorization: 'Bearer prometheus-token-123' });
    expect(prometheus.received[0]!.end - prometheus.received[0]!.start).toBe(3600);
    const [metric, history, pods, refused] = result.evidence;
    expect(metric).toMatchObject({
      source: 'prometheus',
      what: 'node_load1',
      ok: true,
      quote: 'node_load1{instance="nas:9100"}: 0.5 → 3.6 (min 0.4, max 3.6, rising)',
    });
    // Deployments of the same application in the last 24 h (not older, not another application), and its other Coroot incidents.
    expect(history).toMatchObject({ source: 'coroot', key: 'coroot:sonarr', ok: true });
    expect(history!.text).toMatch(
      /^deployment of sonarr version 4\.0\.1 \(Deployed\) at .* UTC: image bumped\nincident #\d+ sonarr: CPU at /,
    );
    expect(history!.text).not.toContain('3.9.0');
    expect(history!.text).not.toContain('radarr');
    expect(pods).toMatchObject({
      source: 'tool',
      what: 'list_pods {"namespace":"media"}',
      ok: true,
      quote: 'namespace media',
    });
    expect(refused).toMatchObject({ source: 'tool', ok: false });
    expect(refused!.text).toBe('Refused: restart_pod: not one of the read-only tools offered.');
    expect(
      calls()
        .slice(before)
        .map((call) => call.tool),
    ).toEqual(['list_pods']);

    // Only read-only tools were offered, on the investigation's model; the summary, not the points, went as data.
    const [first] = litellm.received;
    expect(first!.model).toBe('gemini-flash');
    expect(first!.tools!.map((tool) => tool.function.name).sort()).toEqual([
      'list_pods',
      'prometheus_query_range',
      'slow_tool',
    ]);
    expect(first!.messages[1]!.content).toContain(
      'node_load1{instance=\\"nas:9100\\"}: 0.5 → 3.6 (min 0.4, max 3.6, rising)',
    );
    expect(first!.messages[1]!.content).not.toContain('1.5');
    expect(result).toMatchObject({
      diagnosis: 'Load on the NAS rose after sonarr 4.0.1 was deployed.',
      relevant: ['coroot:sonarr', 'prometheus:node_load1'],
      calls: 3,
      notes: [],
    });
  });

  it('asked again, repeats none of the calls made before', async () => {
    litellm.script(
      'gemini-flash',
      { toolCalls: [{ name: 'list_pods', arguments: { namespace: 'media' } }] },
      answer('Same as before.'),
    );
    const first = await run({});
    const before = calls().length;
    litellm.script(
      'gemini-flash',
      {
        toolCalls: [
          { name: 'list_pods', arguments: { namespace: 'media' } },
          { name: 'list_pods', arguments: { namespace: 'downloads' } },
        ],
      },
      answer('Downloads look fine.'),
    );
    const second = await run({}, { earlier: first.evidence });
    expect(prometheus.received).toHaveLength(1);
    expect(
      calls()
        .slice(before)
        .map((call) => call.arguments),
    ).toEqual([{ namespace: 'downloads' }]);
    expect(second.evidence.map((evidence) => evidence.what)).toEqual(['list_pods {"namespace":"downloads"}']);
    const results = litellm.received.at(-1)!.messages.filter((message) => message.role === 'tool');
    expect(results[0]!.content).toMatch(/^<data>\nAlready gathered \(not run again\): namespace media/);
    expect(second.calls).toBe(1);
  });

  it('makes at most max_tool_calls calls, Prometheus queries included', async () => {
    litellm.script(
      'gemini-flash',
      {
        toolCalls: [
          { name: 'list_pods', arguments: { namespace: 'a' } },
          { name: 'list_pods', arguments: { namespace: 'b' } },
        ],
      },
      answer('Out of calls.'),
    );
    const before = calls().length;
    const result = await run({ max_tool_calls: 2 });
    expect(prometheus.received).toHaveLength(1);
    expect(
      calls()
        .slice(before)
        .map((call) => call.arguments),
    ).toEqual([{ namespace: 'a' }]);
    const results = litellm.received.at(-1)!.messages.filter((message) => message.role === 'tool');
    expect(results[1]!.content).toBe("<data>\nRefused: the investigation's budget of 2 calls is used up.\n</data>");
    // One round of tools was all the budget allowed: the next request could not call any.
    expect(litellm.received.map((request) => request.toolChoice)).toEqual(['auto', 'none']);
    expect(result.calls).toBe(2);
    expect(result.notes).toContain('The investigation used its budget of 2 calls.');

    // With no calls at all, nothing is queried and no tool is offered.
    litellm.script('gemini-flash', answer('Nothing to look at.'));
    const none = await run({ max_tool_calls: 0 });
    expect(prometheus.received).toHaveLength(1);
    expect(litellm.received.at(-1)!.tools).toBeUndefined();
    expect(none.calls).toBe(0);
  });

  it('stops at its time limit with what it gathered, whether Prometheus or a tool is slow', async () => {
    const slow = await startPrometheusFake({ series: () => [], delayMs: 5_000 });
    try {
      litellm.script('gemini-flash', answer('Prometheus did not answer.'));
      let started = Date.now();
      const result = await run({ time_limit: '1s' }, {}, slow.url);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(result.evidence[0]).toMatchObject({
        source: 'prometheus',
        ok: false,
        quote: 'Prometheus did not answer in time',
      });

      litellm.script(
        'gemini-flash',
        { toolCalls: [{ name: 'slow_tool', arguments: { ms: 5_000 } }] },
        answer('never read'),
      );
      started = Date.now();
      const cut = await run({ time_limit: '1500ms' }, { generatorUrls: [], application: 'nothing-here' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(cut.evidence).toMatchObject([
        { source: 'tool', what: 'slow_tool {"ms":5000}', ok: false, quote: 'no answer within the time limit' },
      ]);
      expect(cut.notes[0]).toMatch(/time limit \(2 s\) ran out before the model answered|did not answer/);
      expect(cut.diagnosis).toBeUndefined();
    } finally {
      await slow.close();
    }
  });

  it('keeps at most max_result_chars of each result, for the model and for the findings', async () => {
    litellm.script(
      'gemini-flash',
      { toolCalls: [{ name: 'list_pods', arguments: { namespace: 'long' } }] },
      answer('Capped.'),
    );
    const result = await run({ max_result_chars: 100 }, { generatorUrls: [] });
    const pods = result.evidence.find((evidence) => evidence.source === 'tool')!;
    expect(pods.text).toHaveLength(100);
    expect(pods.text.endsWith('…')).toBe(true);
    const sent = litellm.received.at(-1)!.messages.find((message) => message.role === 'tool')!.content;
    expect(sent).toBe(`<data>\n${pods.text}\n</data>`);
  });

  it("masks secrets in every field it keeps: a model's tool arguments and Prometheus's error text", async () => {
    const secret = 'DB_PASSWORD=Imm1ch-DB-pw';
    const fields = (evidence: { what: string; quote: string; text: string }[]) =>
      JSON.stringify(evidence.map(({ what, quote, text }) => ({ what, quote, text })));

    litellm.script(
      'gemini-flash',
      { toolCalls: [{ name: 'list_pods', arguments: { namespace: `media ${secret}` } }] },
      answer('Masked.'),
    );
    const tool = await run({}, { generatorUrls: [], application: 'nothing-here' });
    expect(tool.evidence.map((evidence) => evidence.source)).toEqual(['tool']);
    expect(fields(tool.evidence)).not.toContain('Imm1ch-DB-pw');
    expect(tool.evidence[0]!.what).toContain('‹secret›');

    const failing = await startPrometheusFake({ series: () => `parse error near "${secret}"` });
    try {
      const metrics = await run({}, { application: 'nothing-here' }, failing.url);
      expect(metrics.evidence.map((evidence) => evidence.source)).toEqual(['prometheus']);
      expect(fields(metrics.evidence)).not.toContain('Imm1ch-DB-pw');
      expect(metrics.evidence[0]!.text).toContain('‹secret›');
    } finally {
      await failing.close();
    }
  });
});
