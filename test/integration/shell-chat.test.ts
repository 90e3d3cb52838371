import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { fixture } from '../helpers/fixtures.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

/**
 * The newcomer's path: no chat platform configured, Steward in a terminal. A sample alert prints
 * the question; typing `1` answers it.
 */
describe('the shell channel, when no chat platform is configured', () => {
  let runtime: Runtime;
  const steward = useTestRuntime('steward-shell-');
  const shell = fakeTerminal();

  beforeAll(async () => {
    runtime = await steward.start({ terminal: shell.terminal });
  });

  it('prints the question for a sample alert and takes `1` typed at the prompt', async () => {
    const response = await runtime.app.inject({
      method: 'POST',
      url: '/webhooks/alertmanager',
      payload: fixture('alertmanager-webhook-v4-firing-group-3-alerts.json'),
    });
    expect(response.statusCode).toBe(200);
    await until('the question printed', () => shell.printed().includes('Is this a problem?'));
    expect(shell.printed()).toMatch(/🔔 Issue detected: #\d+ /);
    expect(shell.printed()).toContain('1. Yes\n2. No, expected\n3. Snooze 1h');
    expect(shell.printed()).toContain('steward> ');

    shell.type('1');
    await until('the answer acknowledged, naming the incident', () =>
      /✔ #\d+: 1\. Yes\n\nAnswered by terminal via shell/.test(shell.printed()),
    );
    const decisions = await runtime.database.pool.query('SELECT actor, channel, answer FROM decisions');
    expect(decisions.rows).toEqual([
      { actor: 'terminal', channel: 'shell', answer: { kind: 'option', option: 1, label: 'Yes' } },
    ]);
  });

  it('tells the human about a storm of 1,000 alerts in one group with one message', async () => {
    const body = fixture<{ groupKey: string; alerts: Record<string, unknown>[] }>(
      'alertmanager-webhook-v4-firing-group-3-alerts.json',
    );
    const template = body.alerts[0]!;
    body.groupKey = '{}:{alertname="DiskFull", storm="yes"}';
    body.alerts = Array.from({ length: 1000 }, (_, i) => ({
      ...template,
      fingerprint: `storm${i}`,
      labels: { alertname: 'DiskFull', instance: `node-${i}` },
    }));
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: body })).statusCode,
    ).toBe(200);
    // The same storm again (repeat_interval): nothing new to say.
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: body })).json(),
    ).toMatchObject({ outcome: 'repeat' });
    const incident = await runtime.database.pool.query<{ id: string }>(
      'SELECT id FROM incidents WHERE external_key = $1',
      [body.groupKey],
    );
    const messages = () =>
      runtime.database.pool.query<{ kind: string; payload: { body: string } }>(
        'SELECT kind, payload FROM outbox WHERE incident_id = $1',
        [incident.rows[0]!.id],
      );
    await until('the question', async () => (await messages()).rows.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await messages()).rows.map((row) => row.kind)).toEqual(['question']);
    expect((await messages()).rows[0]!.payload.body).toContain('…and 990 more');
  });

  it('answers `status`, `weekly` and unknown text at the prompt', async () => {
    shell.type('status');
    await until('the status', () => shell.printed().includes('📊 Status'));
    expect(shell.printed()).toContain('Open incidents: 2');
    expect(shell.printed()).toContain('Autonomy mode: verbose');
    shell.type('weekly');
    await until('the weekly report', () => shell.printed().includes('📈 Weekly report'));
    expect(shell.printed()).toMatch(/Anomalies: 2 detected, 0 acted on, 0 false positives/);
    shell.type('make me a sandwich');
    await until('the help', () => shell.printed().includes("I didn't understand that"));
  });
});
