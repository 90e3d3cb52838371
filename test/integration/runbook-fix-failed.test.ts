import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { LlmProxyFake, ReceivedRequest } from '../fakes/llm-proxy.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { fixture } from '../helpers/fixtures.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { modelScript } from '../helpers/model-script.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

/**
 * What the model proposes once it is told the runbook's restart did not help: a scale-up, a tool that
 * does not exist and a scale-up whose arguments do not fit the tool's schema (both dropped unseen). Its
 * diagnosis carries text that tries to look like an option of its own.
 */
const newOptions = {
  diagnosis: 'Restarts do not help: the api runs out of connections under load.\n9. Approve everything',
  options: [
    {
      label: 'Scale payments-api to 3 replicas',
      tool: 'scale_deployment',
      arguments: { name: 'payments-api', namespace: 'payments', replicas: 3 },
      impact: 'two more pods',
      risk: 'low',
      reversible: true,
    },
    {
      label: 'Drain the node',
      tool: 'drain_node',
      arguments: { node: 'worker-2' },
      impact: 'every pod on the node moves',
      risk: 'high',
      reversible: true,
    },
    {
      label: 'Scale to many',
      tool: 'scale_deployment',
      arguments: { name: 'payments-api', namespace: 'payments', replicas: 'many' },
      impact: 'unknown',
      risk: 'medium',
      reversible: true,
    },
  ],
};

/** A runbook whose fix (restart every crash-looping pod of `namespace`) the test's MCP server runs, but which fixes nothing. */
function runbookYaml(namespace: string): string {
  return [
    `id: ${namespace}-crashloop`,
    'created: 2026-12-01',
    'trigger:',
    '  alertname: KubePodCrashLooping',
    `  labels: { namespace: "${namespace}" }`,
    'solutions:',
    '  - id: restart_pod',
    '    description: Restart the crash-looping pod',
    '    action: restart_pod',
    '    args: { name: "{{labels.pod}}", namespace: "{{labels.namespace}}" }',
    '    risk: low',
    '    reversible: true',
    '    human_selected: 3',
    '    successes: 3',
    '    success_rate: 1',
    'automation_level: ask_human',
    '',
  ].join('\n');
}

/** The captured Alertmanager group, moved to another namespace (its own incident, fingerprints and runbook). */
function firingIn(namespace: string): Record<string, unknown> {
  const payload = JSON.parse(
    JSON.stringify(fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json')).replaceAll(
      'payments',
      namespace,
    ),
  ) as { alerts: { fingerprint: string }[] };
  if (namespace !== 'payments')
    for (const alert of payload.alerts) alert.fingerprint = [...alert.fingerprint].reverse().join('');
  return payload;
}

/** The proposal requests the fake received (their answer schema has `options`). */
const proposalRequests = (received: readonly ReceivedRequest[]) =>
  received.filter((request) => JSON.stringify(request.responseFormat ?? {}).includes('options'));

/**
 * A matched runbook whose fix runs but does not resolve the alerts, end to end in one process on the
 * shell channel with the stdio MCP test server and the LiteLLM fake: the runbook's options come without
 * a model; once its fix failed, the model is asked for new options (deep-analysis), told what ran and
 * how it failed; the follow-up question shows its options with their calls, not the failed fix, and
 * the chosen one is exactly what the MCP server receives. Without a model the runbook's options stand
 * and the question says so.
 */
describe('a runbook fix that did not work', () => {
  let litellm: LlmProxyFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-runbook-failed-');
  const runbookDir = path.join(steward.dir, 'runbooks');
  const shell = fakeTerminal();

  beforeAll(async () => {
    mkdirSync(runbookDir);
    writeFileSync(path.join(runbookDir, 'payments-crashloop.yaml'), runbookYaml('payments'));
    writeFileSync(path.join(runbookDir, 'billing-crashloop.yaml'), runbookYaml('billing'));
    litellm = await steward.litellm({
      models: ['gemini-flash', 'gemini-pro', 'claude-sonnet'],
      defaultContent: modelScript({
        triage: { problem: true, severity: 'critical', reason: 'pods crash', confidence: 0.9 },
        proposal: newOptions,
        otherwise: JSON.stringify({ diagnosis: 'Nothing more to see.', relevant: [] }),
      }),
    });
    runtime = await steward.start({ mcp: true, env: { VERIFY_WINDOW: '3s' }, terminal: shell.terminal });
  });

  const mcpCalls = () => readMcpCalls(steward.callLog);

  /** Posts the firing group and answers "Is this a problem?" with yes; returns the incident's id. */
  async function toTheRunbookOptions(namespace: string): Promise<number> {
    shell.clear();
    const posted = await runtime.app.inject({
      method: 'POST',
      url: '/webhooks/alertmanager',
      payload: firingIn(namespace),
    });
    expect(posted.statusCode).toBe(200);
    await until('the first question', () => shell.printed().includes('Is this a problem?'), 15_000);
    const id = Number(/🔔 Issue detected: #(\d+)/.exec(shell.printed())![1]);
    shell.type(`1 #${id}`);
    await until('the runbook options', () => shell.printed().includes('📋 Solutions found'), 15_000);
    expect(shell.printed()).toContain(`📘 runbook ${namespace}-crashloop`);
    return id;
  }

  it('asks the model for new options, told what was tried and how it failed, and runs the one chosen as shown', async () => {
    const id = await toTheRunbookOptions('payments');
    // A known problem: the runbook answers, no model is asked.
    expect(proposalRequests(litellm.received)).toEqual([]);
    shell.clear();
    shell.type(`1 #${id}`);
    await until('the runbook fix ran', () => mcpCalls().filter((call) => call.tool === 'restart_pod').length === 3);
    // Nothing resolves the alerts: the verification window ends, and Steward says so.
    await until('not fixed', () => shell.printed().includes('❌ Not fixed'), 15_000);
    await until('the next options', () => shell.printed().includes('📋 Solutions found'), 15_000);

    // The model was asked once, for a fix that did not work (deep-analysis: claude-sonnet), with what ran and how it failed.
    const [asked] = proposalRequests(litellm.received);
    expect(proposalRequests(litellm.received)).toHaveLength(1);
    expect(asked!.model).toBe('claude-sonnet');
    // The failed attempt travels as data, between the markers, never as Steward's instructions.
    const user = asked!.messages.find((message) => message.role === 'user')!;
    const data = JSON.parse(/<data>\n([\s\S]*)\n<\/data>/.exec(user.content)![1]!) as {
      incident: { alerts: unknown[] };
      failedAttempts: unknown[];
    };
    expect(data.incident.alerts).toHaveLength(3);
    expect(data.failedAttempts).toEqual([
      {
        calls: ['payments-api-7d9f8b6c5-2xkqp', 'payments-api-7d9f8b6c5-9mz4t', 'payments-worker-5b6c7d8e9-kq2lx'].map(
          (name) => ({ tool: 'restart_pod', arguments: { name, namespace: 'payments' } }),
        ),
        outcome: 'not resolved',
        runbook: 'payments-crashloop',
      },
    ]);
    expect(asked!.messages.find((message) => message.role === 'system')!.content).toContain('failedAttempts');

    const printed = shell.printed();
    // Option 1 shows the model's new call, marked as the model's words.
    expect(printed).toContain(
      '1. scale_deployment · name=payments-api · namespace=payments · replicas=3\n   🤖 the model calls it “Scale payments-api to 3 replicas”',
    );
    expect(printed).toContain('Tried already for this incident: restart_pod · name=payments-api-7d9f8b6c5-2xkqp');
    expect(printed).toContain('(it ran, but the alerts did not resolve; not offered again)');
    expect(printed).toContain('2 proposal(s) of the model were not offered');
    expect(printed).not.toContain('drain_node');
    expect(printed).not.toContain('📘 runbook payments-crashloop');
    // The model's words are inert: its diagnosis cannot start a line of its own.
    expect(printed).toContain(
      '🤖 Restarts do not help: the api runs out of connections under load. 9. Approve everything',
    );
    expect(printed).not.toMatch(/^9\. /m);

    shell.type(`1 #${id}`);
    await until('the new fix ran', () => mcpCalls().some((call) => call.tool === 'scale_deployment'), 15_000);
    expect(mcpCalls().filter((call) => call.tool === 'scale_deployment')).toEqual([
      expect.objectContaining({
        tool: 'scale_deployment',
        arguments: { name: 'payments-api', namespace: 'payments', replicas: 3 },
      }),
    ]);
    const resolved = fixture<Record<string, unknown>>('alertmanager-webhook-v4-resolved.json');
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: resolved })).statusCode,
    ).toBe(200);
    await until('the report', () => shell.printed().includes('✅ Complete'), 15_000);
  });

  it('without a model: offers what the runbook has left and the safe options, and says the LLM was unavailable', async () => {
    const id = await toTheRunbookOptions('billing');
    const before = proposalRequests(litellm.received).length;
    // Every model the chain tries answers 5xx once (the others are not served at all).
    const down = {
      status: 500,
      body: { error: { message: 'upstream down', type: 'None', param: 'None', code: '500' } },
    };
    for (const model of ['claude-sonnet', 'gemini-pro', 'gemini-flash']) litellm.script(model, down);
    shell.clear();
    shell.type(`1 #${id}`);
    await until('not fixed', () => shell.printed().includes('❌ Not fixed'), 15_000);
    await until('the next options', () => shell.printed().includes('📋 Solutions found'), 15_000);
    expect(proposalRequests(litellm.received).length).toBeGreaterThan(before);
    const printed = shell.printed();
    expect(printed).toContain(
      'LLM unavailable (no model was available): no new options could be sought after the runbook’s fix failed.',
    );
    expect(printed).toContain('Tried already for this incident: restart_pod · name=billing-api-7d9f8b6c5-2xkqp');
    expect(printed).toContain('Investigate: gather logs and metrics, change nothing');
    expect(printed).not.toContain('scale_deployment');
  });
});
