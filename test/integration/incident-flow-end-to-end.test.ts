import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { LlmProxyFake } from '../fakes/llm-proxy.ts';
import { modelScript } from '../helpers/model-script.ts';
import { readMcpCalls } from '../helpers/mcp-calls.ts';
import { fixture } from '../helpers/fixtures.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

/** The models: triage says it is a problem; solutions propose restarting the first pod, and one forbidden tool. */
const modelAnswer = modelScript({
  triage: {
    problem: true,
    severity: 'critical',
    reason: 'payments-api keeps crashing; customers see errors',
    confidence: 0.9,
  },
  proposal: {
    diagnosis: 'payments-api-7d9f8b6c5-2xkqp crash-loops after an OOM kill.',
    options: [
      {
        label: 'Restart payments-api-7d9f8b6c5-2xkqp',
        tool: 'restart_pod',
        arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' },
        impact: '10s downtime of one replica',
        risk: 'low',
        reversible: true,
      },
      {
        label: 'Delete the stuck volume',
        tool: 'delete_volume',
        arguments: { claim: 'payments-data' },
        impact: 'data loss',
        risk: 'high',
        reversible: false,
      },
    ],
  },
});

/**
 * The end-to-end path, in one process on the shell channel: an Alertmanager payload → an
 * incident → "Is this a problem?" with the model's verdict → `1` → options from the model (the
 * forbidden one dropped) → `1` → the stdio MCP server receives the tool call → the resolved webhook →
 * "✅ Complete" → "Next time?".
 */
describe('the incident flow end to end', () => {
  let litellm: LlmProxyFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-flow-');
  const runbookDir = path.join(steward.dir, 'runbooks');
  const shell = fakeTerminal();

  beforeAll(async () => {
    litellm = await steward.litellm({ models: ['gemini-flash', 'gemini-pro'], defaultContent: modelAnswer });
    runtime = await steward.start({
      mcp: true,
      config: ['policy:', '  redlines: ["delete_*"]'],
      env: { VERIFY_WINDOW: '10m' },
      terminal: shell.terminal,
    });
  });

  const mcpCalls = () => readMcpCalls(steward.callLog);

  it('goes from alert to verified fix, asking the human at each step', async () => {
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: firing })).statusCode,
    ).toBe(200);
    await until('the first question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toContain('🤖 payments-api keeps crashing; customers see errors');
    expect(litellm.received[0]!.model).toBe('gemini-flash');

    shell.type('1');
    await until('the options', () => shell.printed().includes('📋 Solutions found'), 15_000);
    expect(litellm.received.at(-1)!.model).toBe('gemini-pro');
    // The option shows the exact call it runs; the model's words for it are marked as the model's.
    expect(shell.printed()).toContain(
      '1. restart_pod · name=payments-api-7d9f8b6c5-2xkqp · namespace=payments\n   🤖 the model calls it “Restart payments-api-7d9f8b6c5-2xkqp” (10s downtime of one replica, 🟢 low risk)',
    );
    expect(shell.printed()).not.toContain('Delete the stuck volume');
    expect(shell.printed()).toContain('2. Investigate: gather logs and metrics, change nothing');

    shell.type('1');
    await until('the tool call', () => mcpCalls().length === 1, 15_000);
    expect(mcpCalls()[0]).toMatchObject({
      tool: 'restart_pod',
      arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' },
    });
    await until('the run reported', () => shell.printed().includes('ran restart_pod'), 15_000);

    const resolved = fixture<Record<string, unknown>>('alertmanager-webhook-v4-resolved.json');
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: resolved })).statusCode,
    ).toBe(200);
    await until('the report', () => shell.printed().includes('✅ Complete'), 15_000);
    expect(shell.printed()).toContain('Ran: restart_pod · name=payments-api-7d9f8b6c5-2xkqp · namespace=payments');
    await until('next time', () => shell.printed().includes('Reply: auto, ask or investigate'), 15_000);

    const actions = await runtime.database.pool.query('SELECT tool, status, trigger FROM actions');
    expect(actions.rows).toEqual([{ tool: 'restart_pod', status: 'succeeded', trigger: 'approved' }]);
    expect(mcpCalls()).toHaveLength(1);
    // The answers and the execution they led to are both in the audit trail (`steward audit`).
    const audit = await runtime.database.pool.query(
      "SELECT actor, channel, action, outcome FROM audit_log WHERE action IN ('question.answer', 'tool.run') ORDER BY id",
    );
    expect(audit.rows.at(-1)).toEqual({
      actor: 'steward',
      channel: 'mcp',
      action: 'tool.run',
      outcome: 'succeeded: restart_pod',
    });
    expect(audit.rows.filter((row: { action: string }) => row.action === 'question.answer')).toHaveLength(2);

    // The approved, verified fix became a runbook, templated from the alert's labels, named by its
    // call (never by the model's label), its trigger pinning the pod family it may act on.
    await until(
      'the runbook written',
      () => existsSync(runbookDir) && readdirSync(runbookDir).some((name) => name.endsWith('.yaml')),
      15_000,
    );
    const file = readdirSync(runbookDir).find((name) => name.endsWith('.yaml'))!;
    expect(file).toBe('kubepodcrashlooping-payments.yaml');
    const runbook = parse(readFileSync(path.join(runbookDir, file), 'utf8')) as Record<string, unknown>;
    expect(runbook).toMatchObject({
      id: 'kubepodcrashlooping-payments',
      trigger: {
        alertname: 'KubePodCrashLooping',
        labels: {
          cluster: 'prod-eu1',
          job: 'kube-state-metrics',
          namespace: 'payments',
          severity: 'critical',
          pod: 'payments-api-[a-z0-9]{5,10}-[a-z0-9]{5}',
        },
      },
      solutions: [
        {
          id: 'restart_pod',
          description: 'restart_pod · name="{{labels.pod}}" · namespace="{{labels.namespace}}"',
          action: 'restart_pod',
          args: { name: '{{labels.pod}}', namespace: '{{labels.namespace}}' },
          human_selected: 1,
          successes: 1,
          failures: 0,
          success_rate: 1,
        },
      ],
      automation_level: 'ask_human',
    });
  });

  it('offers the runbook first, without asking a model, when the same alert comes back', async () => {
    const modelCalls = litellm.received.length;
    const firing = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    shell.clear();
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: firing })).statusCode,
    ).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toContain('🤖 Known problem: runbook kubepodcrashlooping-payments.');
    // The last incident's "Next time?" is still open too: a bare `1` names neither, so nothing is decided.
    const id = Number(/🔔 Issue detected: #(\d+)/.exec(shell.printed())![1]);
    shell.type('1');
    await until('which incident?', () => shell.printed().includes('Which incident?'), 15_000);
    expect(shell.printed()).toContain(`Reply "1 #`);
    shell.type(`1 #${id}`);
    await until('the options', () => shell.printed().includes('📋 Solutions found'), 15_000);
    // The runbook's fix, rendered for every firing alert its trigger fits: both api pods, each shown.
    expect(shell.printed()).toContain(
      [
        '1. restart_pod · name=payments-api-7d9f8b6c5-2xkqp · namespace=payments',
        '   then restart_pod · name=payments-api-7d9f8b6c5-9mz4t · namespace=payments',
        '   📘 runbook kubepodcrashlooping-payments: “restart_pod · name="{{labels.pod}}" · namespace="{{labels.namespace}}"” (worked 1 of 1 times, 10s downtime of one replica, 🟢 low risk)',
      ].join('\n'),
    );
    expect(shell.printed()).toContain('Runbook kubepodcrashlooping-payments fits 2 of the 3 firing alerts');
    expect(litellm.received.length).toBe(modelCalls);
    shell.type(`1 #${id}`);
    await until('the tool calls for both pods', () => mcpCalls().length === 3, 15_000);
    expect(mcpCalls().slice(1)).toMatchObject([
      { tool: 'restart_pod', arguments: { name: 'payments-api-7d9f8b6c5-2xkqp', namespace: 'payments' } },
      { tool: 'restart_pod', arguments: { name: 'payments-api-7d9f8b6c5-9mz4t', namespace: 'payments' } },
    ]);
    const resolved = fixture<Record<string, unknown>>('alertmanager-webhook-v4-resolved.json');
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: resolved })).statusCode,
    ).toBe(200);
    await until(
      'the record updated',
      () =>
        /human_selected: 2\n\s+successes: 2/.test(
          readFileSync(path.join(runbookDir, 'kubepodcrashlooping-payments.yaml'), 'utf8'),
        ),
      15_000,
    );
    expect(shell.printed()).toContain('✅ Complete');
    expect(shell.printed()).not.toContain('resolved on its own');

    // "Next time: Auto" promotes the runbook, and says what that means in this autonomy mode.
    await until('next time asked', () => shell.printed().includes('Reply: auto, ask or investigate'), 15_000);
    shell.type(`auto #${id}`);
    await until(
      'the promotion said',
      () => shell.printed().includes('⬆️ Runbook kubepodcrashlooping-payments is promoted'),
      15_000,
    );
    expect(shell.printed()).toContain('once AUTONOMY_MODE lets single_pod fixes run alone (it is verbose');
    expect(readFileSync(path.join(runbookDir, 'kubepodcrashlooping-payments.yaml'), 'utf8')).toContain(
      'automation_level: auto_notify',
    );
  });
});
