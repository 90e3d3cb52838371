import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../bot/config/index.ts';
import { createRuntimeLogging, startRuntime, type Runtime } from '../../bot/runtime/start-runtime.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { until } from '../helpers/until.ts';

/**
 * The newcomer's path: no chat platform configured, Steward in a terminal. A sample alert prints
 * the question; typing `1` answers it.
 */
describe('the shell channel, when no chat platform is configured', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  beforeAll(async () => {
    database = await createTestDatabase(databaseBackends()[0]!.adminUrl!);
    const env = { DATABASE_URL: database.url };
    const config = readConfig(env);
    runtime = await startRuntime(config, createRuntimeLogging(config, env, captureLogs().stream), { terminal: { input, output, interactive: true } });
    await runtime.app.ready();
  });
  afterAll(async () => {
    await runtime?.shutdown.run('test over');
    await database?.drop();
  });

  it('prints the question for a sample alert and takes `1` typed at the prompt', async () => {
    const response = await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: fixture('alertmanager-webhook-v4-firing-group-3-alerts.json') });
    expect(response.statusCode).toBe(200);
    await until('the question printed', () => printed.includes('Is this a problem?'));
    expect(printed).toMatch(/🔔 Issue detected: #\d+ /);
    expect(printed).toContain('1. Yes\n2. No, expected\n3. Snooze 1h');
    expect(printed).toContain('steward> ');

    input.write('1\n');
    await until('the answer acknowledged', () => printed.includes('✔ Answered by terminal via shell'));
    const decisions = await runtime.database.pool.query('SELECT actor, channel, answer FROM decisions');
    expect(decisions.rows).toEqual([{ actor: 'terminal', channel: 'shell', answer: { kind: 'option', option: 1, label: 'Yes' } }]);
  });

  it('answers `status` and unknown text at the prompt', async () => {
    input.write('status\n');
    await until('the status', () => printed.includes('📊 Status'));
    expect(printed).toContain('Open incidents: 1');
    input.write('make me a sandwich\n');
    await until('the help', () => printed.includes("I didn't understand that"));
  });
});
