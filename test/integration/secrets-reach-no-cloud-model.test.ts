import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { LlmProxyFake } from '../fakes/llm-proxy.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { fixture } from '../helpers/fixtures.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { modelScript } from '../helpers/model-script.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';
const CLOUD = ['gemini-flash', 'gemini-pro', 'gemini-thinking', 'claude-sonnet', 'claude-opus'];
/** Two shapes the issue found going to a cloud model: `mysql -pPW` in an annotation, a password in a log. */
const ALERT_SECRET = 'M4riaDB-r00t';
const LOG_SECRET = 'Imm1ch-DB-pw';

const modelAnswer = modelScript({
  triage: { problem: true, severity: 'critical', reason: 'the API cannot log in to its database', confidence: 0.9 },
  proposal: {
    diagnosis: 'Wrong database password.',
    options: [
      {
        label: 'Restart payments-api-7d9f8b6c5-2xkqp',
        tool: 'restart_pod',
        arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' },
        impact: '10s downtime',
        risk: 'low',
        reversible: true,
      },
    ],
  },
  otherwise: 'immich-server restarts because PostgreSQL refuses its password.',
});

/**
 * The end-to-end case, in one Steward on the shell channel with the LiteLLM fake fronting
 * every model, `local` included: a secret planted in an alert annotation (triage, then proposals) and
 * one in what a read-only MCP tool returns to a scheduled query's function-calling loop. What the
 * fake received is grouped by model: no cloud model got either secret, the local model got both.
 */
describe('secrets in alerts and tool output reach no cloud model', () => {
  let litellm: LlmProxyFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-secrets-');
  const shell = fakeTerminal();

  beforeAll(async () => {
    litellm = await steward.litellm({ models: [...CLOUD, 'local'], defaultContent: modelAnswer });
    // The query's model first asks for the logs (twice scripted: a slot may fire again before the test ends).
    const getLogs = { toolCalls: [{ name: 'get_logs', arguments: { pod: 'immich-server-0', namespace: 'media' } }] };
    litellm.script('gemini-thinking', getLogs, getLogs);
    runtime = await steward.start({
      mcp: { env: { POD_LOGS: '${POD_LOGS}' } },
      config: [
        'schedules:',
        '  - { id: immich-restarts, schedule: "*/2 * * * * *", prompt: "Why does immich-server restart?", delivery: all, model: gemini-thinking, tools: [get_logs] }',
      ],
      env: {
        POD_LOGS: `2026-11-23T09:14:02Z ERROR connect ECONNREFUSED; retrying with DB_PASSWORD=${LOG_SECRET} as user immich`,
      },
      terminal: shell.terminal,
    });
  });

  /** Everything each model was sent: messages (tool calls and results included) and tool definitions. */
  const sentTo = () => {
    const byModel = new Map<string, string>();
    for (const request of litellm.received)
      byModel.set(request.model, `${byModel.get(request.model) ?? ''}\n${JSON.stringify(request)}`);
    return byModel;
  };
  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('keeps a secret in an alert annotation and one in a tool result away from every cloud model', async () => {
    const firing = fixture<{ alerts: { annotations: Record<string, string> }[] }>(
      'alertmanager-webhook-v4-firing-group-3-alerts.json',
    );
    firing.alerts[0]!.annotations.description = `payments-api cannot reach its database: mysql -uroot -p${ALERT_SECRET} -h mariadb exited 1`;
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: firing })).statusCode,
    ).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toContain('🤖 the API cannot log in to its database');
    shell.type('1');
    await until('the options', () => shell.printed().includes('📋 Solutions found'), 15_000);

    // The scheduled query: the cloud model asked for the logs, the result held a password, the rest went local.
    await until(
      'the scheduled answer',
      () => shell.printed().includes('immich-server restarts because PostgreSQL refuses its password.'),
      20_000,
    );
    expect(mcpCalls().some((call) => call.tool === 'get_logs')).toBe(true);

    const byModel = sentTo();
    for (const model of CLOUD) {
      expect(byModel.get(model) ?? '', model).not.toContain(ALERT_SECRET);
      expect(byModel.get(model) ?? '', model).not.toContain(LOG_SECRET);
    }
    expect(byModel.get('gemini-thinking')).toContain('Why does immich-server restart?'); // the query did start on its cloud model
    expect(byModel.get('local')).toContain(ALERT_SECRET); // triage and proposals, with the annotation
    expect(byModel.get('local')).toContain(LOG_SECRET); // the rest of the query's conversation, with the tool result
    expect(
      litellm.received.filter(
        (request) => request.model === 'local' && JSON.stringify(request.responseFormat ?? {}).includes('severity'),
      ),
    ).toHaveLength(1);
  });
});
