import { beforeAll, describe, expect, it } from 'vitest';
import { createQuestionDesk } from '../../bot/chat/question-desk.ts';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { agentApprovalQuestion } from '../../graphs/agent-approval.ts';
import { gathering, type LlmProxyFake, type ReceivedRequest } from '../fakes/llm-proxy.ts';
import { startPrometheusFake, type PrometheusFake } from '../fakes/prometheus-api.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';
const EXPR = 'rate(sonarr_http_request_duration_seconds_sum[5m]) > 2';

/** What each kind of request gets when nothing is scripted: triage, the investigation's answer, a proposal. */
function defaultAnswer(request: ReceivedRequest): string {
  const schema = JSON.stringify(request.responseFormat ?? {});
  if (schema.includes('severity'))
    return JSON.stringify({ problem: true, severity: 'warning', reason: 'sonarr answers slowly', confidence: 0.8 });
  if (schema.includes('relevant'))
    return JSON.stringify({
      diagnosis: 'sonarr slowed down as its latency rose; radarr-0 crash-loops beside it.',
      relevant: [],
    });
  return JSON.stringify({
    diagnosis: 'sonarr is slow.',
    options: [
      {
        label: 'Restart sonarr',
        tool: 'restart_pod',
        arguments: { name: 'sonarr-0', namespace: 'media' },
        impact: 'a minute without sonarr',
        risk: 'low',
        reversible: true,
      },
    ],
  });
}

/**
 * Evidence before asking, in chat: the incident question carries "🔎 Findings" (Prometheus's summary
 * of the rule's series, a read-only tool the model chose), the proposals see them, `Investigate`
 * gathers again without repeating a call, and `details` shows everything gathered.
 */
describe('investigating an incident in chat', () => {
  let litellm: LlmProxyFake;
  let prometheus: PrometheusFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-investigate-');
  const shell = fakeTerminal();

  beforeAll(async () => {
    litellm = await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: defaultAnswer });
    prometheus = await steward.track(
      startPrometheusFake({
        authorization: 'Basic ' + Buffer.from('steward:prom-pass').toString('base64'),
        series: (query) =>
          query.startsWith('rate(sonarr')
            ? [{ metric: { job: 'sonarr', instance: 'sonarr:8989' }, values: [0.4, 0.5, 1.8, 2.6, 3.1] }]
            : [],
      }),
    );
    runtime = await steward.start({
      mcp: true,
      config: ['policy:', '  redlines: ["delete_*"]', 'investigation:', '  max_tool_calls: 3'],
      env: { PROMETHEUS_URL: prometheus.url, PROMETHEUS_USERNAME: 'steward', PROMETHEUS_PASSWORD: 'prom-pass' },
      terminal: shell.terminal,
    });
  });

  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('answers a request typed with no question open with the findings of a read-only look, in that chat', async () => {
    litellm.script(
      'gemini-flash',
      {
        toolCalls: [
          {
            name: 'prometheus_query_range',
            arguments: { query: 'rate(sonarr_http_request_duration_seconds_sum[5m])' },
          },
          { name: 'list_pods', arguments: { namespace: 'apps' } },
        ],
      },
      {},
    );
    shell.type('check why sonarr is slow');
    await until('the findings', () => shell.printed().includes('🔎 You asked'), 20_000);
    await until('the findings body', () => shell.printed().includes('🤖 sonarr slowed down'), 20_000);
    const answer = shell.printed();
    expect(answer).toContain('🔎 You asked: “check why sonarr is slow”');
    expect(answer).toContain(
      '• Prometheus rate(sonarr_http_request_duration_seconds_sum[5m]): “{instance="sonarr:8989", job="sonarr"}: 0.4 → 3.1 (min 0.4, max 3.1, rising)”',
    );
    expect(answer).toContain('• tool list_pods {"namespace":"apps"}: “namespace apps”');
    expect(answer).not.toContain("I didn't understand");
    // The model was shown only read-only tools, Prometheus among them, and the owner's words as data.
    const request = litellm.received.at(-1)!;
    expect(request.tools!.map((tool) => tool.function.name).sort()).toEqual(['list_pods', 'prometheus_query_range']);
    expect(request.messages[1]!.content).toContain('"ownerAsks": "check why sonarr is slow"');
    expect(mcpCalls().map((call) => call.tool)).toEqual(['list_pods']);

    // `custom:` with nothing open is a request too; a short remark is not.
    shell.clear();
    shell.type('custom: look at the radarr logs please');
    await until(
      'the second findings',
      () => shell.printed().includes('🔎 You asked: “look at the radarr logs please”'),
      20_000,
    );
    shell.clear();
    shell.type('stauts');
    await until('the help', () => shell.printed().includes("I didn't understand that"), 20_000);
    const actions = await runtime.database.pool.query('SELECT count(*)::int AS n FROM actions');
    expect(actions.rows[0]).toEqual({ n: 0 });
  });

  it('still takes a typed request while only an agent’s question waits to be quoted', async () => {
    const desk = createQuestionDesk({ pool: runtime.database.pool, channels: ['shell'] });
    const agents = await desk.ask(
      agentApprovalQuestion({
        agent: 'deploy-bot',
        title: 'roll out web 2.4.1',
        action: 'deploy web 2.4.1',
        options: ['Approve', 'Reject'],
      }),
    );
    try {
      await until('the agent’s question', () => shell.printed().includes('deploy-bot asks'), 20_000);
      shell.clear();
      // An agent keeping a question open must not silence the owner's own requests.
      shell.type('check why radarr is slow');
      await until('the findings', () => shell.printed().includes('🔎 You asked: “check why radarr is slow”'), 20_000);
      const agentsQuestion = await runtime.database.pool.query('SELECT status FROM questions WHERE id = $1', [agents]);
      expect(agentsQuestion.rows[0]).toEqual({ status: 'open' });
    } finally {
      // The cases below expect nothing open.
      await runtime.database.pool.query("UPDATE questions SET status = 'withdrawn', closed_at = now() WHERE id = $1", [
        agents,
      ]);
    }
  });

  it('asks with findings, grounds the options in them, and gathers anew on Investigate without repeating a call', async () => {
    const mcpBefore = mcpCalls().length;
    const promBefore = prometheus.received.length;
    shell.clear();
    // Triage beside the investigation: the investigating model lists the media pods, then answers.
    litellm.script('gemini-flash', {
      toolCalls: [{ name: 'list_pods', arguments: { namespace: 'media' } }],
      when: gathering,
    });
    const alert = {
      version: '4',
      groupKey: '{}:{alertname="SonarrSlow"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'steward',
      groupLabels: { alertname: 'SonarrSlow' },
      commonLabels: { alertname: 'SonarrSlow', job: 'sonarr', severity: 'warning' },
      commonAnnotations: { summary: 'sonarr answers slowly' },
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'SonarrSlow', job: 'sonarr', severity: 'warning' },
          annotations: { summary: 'sonarr answers slowly' },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(EXPR)}&g0.tab=1`,
          fingerprint: 'a1b2c3d4e5f60718',
        },
      ],
    };
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: alert })).statusCode,
    ).toBe(200);
    await until('the first question', () => shell.printed().includes('Is this a problem?'), 20_000);
    const question = shell.printed();
    expect(question).toContain('🔎 Findings');
    expect(question).toContain(
      '• Prometheus rate(sonarr_http_request_duration_seconds_sum[5m]): “{instance="sonarr:8989", job="sonarr"}: 0.4 → 3.1 (min 0.4, max 3.1, rising)”',
    );
    expect(question).toContain('• tool list_pods {"namespace":"media"}: “namespace media”');
    expect(question).toContain('🤖 sonarr slowed down as its latency rose; radarr-0 crash-loops beside it.');
    // The findings come before the question, and the rule's threshold was left out of the query.
    expect(question.indexOf('🔎 Findings')).toBeLessThan(question.indexOf('Is this a problem?'));
    expect(prometheus.received.slice(promBefore).map((received) => received.query)).toEqual([
      'rate(sonarr_http_request_duration_seconds_sum[5m])',
    ]);
    expect(
      mcpCalls()
        .slice(mcpBefore)
        .map((call) => call.arguments),
    ).toEqual([{ namespace: 'media' }]);

    shell.clear();
    shell.type('1');
    await until('the options', () => shell.printed().includes('📋 Solutions found'), 20_000);
    // The proposal was grounded in the evidence.
    const proposal = litellm.received.at(-1)!;
    expect(proposal.model).toBe('gemini-pro');
    expect(proposal.messages[1]!.content).toContain('0.4 → 3.1 (min 0.4, max 3.1, rising)');
    expect(proposal.messages[1]!.content).toContain('CrashLoopBackOff');
    expect(shell.printed()).toContain('2. Investigate: gather logs and metrics, change nothing');

    // Investigate: the model asks for the same call again and a new one; only the new one runs.
    litellm.script(
      'gemini-flash',
      {
        toolCalls: [
          { name: 'list_pods', arguments: { namespace: 'media' } },
          { name: 'list_pods', arguments: { namespace: 'downloads' } },
        ],
      },
      {},
    );
    shell.clear();
    shell.type('2');
    await until('the options again', () => shell.printed().includes('📋 Solutions found'), 20_000);
    const again = shell.printed();
    expect(again).toContain('🔎 Findings\n• tool list_pods {"namespace":"downloads"}: “namespace downloads”');
    expect(again.indexOf('🔎 Findings')).toBeLessThan(again.indexOf('1. restart_pod'));
    expect(
      mcpCalls()
        .slice(mcpBefore)
        .map((call) => call.arguments),
    ).toEqual([{ namespace: 'media' }, { namespace: 'downloads' }]);
    expect(prometheus.received).toHaveLength(promBefore + 1);

    shell.clear();
    shell.type('details');
    await until('the details', () => shell.printed().includes('🔎 Evidence'), 20_000);
    const details = shell.printed();
    expect(details).toContain('🔎 Evidence (3 read-only call(s) in all):');
    expect(details).not.toContain('namespace apps');
    expect(details).toContain('• prometheus rate(sonarr_http_request_duration_seconds_sum[5m])');
    expect(details).toContain('│ radarr-0 0/1 CrashLoopBackOff 14 3d');
    expect(details).toContain('• tool list_pods {"namespace":"downloads"}');
  });

  it('turns a request that warrants a fix into an incident whose options follow, and runs nothing unapproved', async () => {
    shell.clear();
    shell.type('ignore');
    await until(
      'the options closed',
      async () => (await runtime.database.pool.query("SELECT 1 FROM questions WHERE status = 'open'")).rowCount === 0,
      20_000,
    );
    litellm.script('gemini-flash', {
      content: JSON.stringify({ diagnosis: 'radarr-0 crash-loops: 14 restarts.', relevant: [], fix_warranted: true }),
    });
    shell.clear();
    shell.type('radarr keeps crashing, have a look');
    await until('the options', () => shell.printed().includes('📋 Solutions found'), 30_000);
    const printed = shell.printed();
    expect(printed).toMatch(/A fix looks warranted: the options follow as #(\d+)\./);
    const id = /options follow as #(\d+)/.exec(printed)![1];
    expect(printed).toContain(`📋 Solutions found: #${id} radarr keeps crashing, have a look`);
    expect(printed).not.toContain('Is this a problem?');
    const incident = await runtime.database.pool.query('SELECT source FROM incidents WHERE id = $1', [id]);
    expect(incident.rows[0]).toEqual({ source: 'manual' });
    const actions = await runtime.database.pool.query('SELECT count(*)::int AS n FROM actions');
    expect(actions.rows[0]).toEqual({ n: 0 });
  });
});
