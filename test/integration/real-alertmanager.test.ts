import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../graphs/incident-changes.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { buildIntakeApp, TOKEN } from '../helpers/intake-app.ts';

/** Debian's prometheus-alertmanager; .ci/run installs it. Outside CI a missing binary skips this. */
const binary = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/alertmanager'].find((file) => existsSync(file));
if (!binary && process.env.CI === 'true') throw new Error('CI must run the real Alertmanager test: install prometheus-alertmanager');
const skipReason = binary ? undefined : 'prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(skipReason !== undefined)(`a real Alertmanager posting to Steward${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let database: MigratedDatabase;
  let app: FastifyInstance;
  let changes: IncidentChange[];
  let alertmanager: ChildProcess;
  let alertmanagerOutput = '';
  let amUrl: string;
  let workDir: string;

  beforeAll(async () => {
    database = await createMigratedDatabase(databaseBackends()[0]!.adminUrl!);
    ({ app, changes } = await buildIntakeApp(database.pool));
    const stewardPort = await findFreePort();
    await app.listen({ host: '127.0.0.1', port: stewardPort });

    workDir = await mkdtemp(path.join(os.tmpdir(), 'steward-am-'));
    await writeFile(path.join(workDir, 'token'), TOKEN);
    await writeFile(
      path.join(workDir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: steward',
        '  group_by: [alertname, namespace]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: steward',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${stewardPort}/webhooks/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        `            credentials_file: ${path.join(workDir, 'token')}`,
        '',
      ].join('\n'),
    );
    const amPort = await findFreePort();
    amUrl = `http://127.0.0.1:${amPort}`;
    alertmanager = spawn(
      binary!,
      [
        `--config.file=${path.join(workDir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout!.on('data', (chunk: Buffer) => (alertmanagerOutput += chunk.toString()));
    alertmanager.stderr!.on('data', (chunk: Buffer) => (alertmanagerOutput += chunk.toString()));
    await waitFor('Alertmanager to be ready', async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined));
  });

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      alertmanager.kill('SIGTERM');
      await new Promise((resolve) => alertmanager.once('exit', resolve));
    }
    await app?.close();
    await database?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function pushAlerts(endsAt?: string): Promise<void> {
    const alerts = ['nas-1', 'nas-2'].map((instance) => ({
      labels: { alertname: 'DiskFilling', namespace: 'storage', instance, severity: 'warning' },
      annotations: { summary: `Disk on ${instance} is filling up` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      ...(endsAt ? { endsAt } : {}),
    }));
    const response = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(response.status, alertmanagerOutput).toBe(200);
  }

  it('opens one incident with its alerts, then closes it when Alertmanager resolves them', async () => {
    await pushAlerts();
    const incident = await waitFor('the incident to open', async () => {
      const rows = await database.pool.query<{ id: string; source: string; external_key: string; title: string }>(
        "SELECT id, source, external_key, title FROM incidents WHERE title = 'DiskFilling (storage)'",
      );
      return rows.rows[0];
    });
    expect(incident.source).toBe('alertmanager');
    expect(incident.external_key).toContain('alertname="DiskFilling"');
    const firing = await waitFor('both alerts', async () => {
      const rows = await database.pool.query("SELECT fingerprint FROM alerts WHERE incident_id = $1 AND status = 'firing'", [incident.id]);
      return rows.rowCount === 2 ? rows.rows : undefined;
    });
    expect(firing).toHaveLength(2);

    // Resolve both by posting them again with endsAt now.
    await pushAlerts(new Date().toISOString());
    await waitFor('the incident to close', async () => {
      const rows = await database.pool.query<{ closed_at: Date }>('SELECT closed_at FROM incidents WHERE id = $1 AND closed_at IS NOT NULL', [incident.id]);
      return rows.rows[0];
    });

    const forIncident = changes.filter((change) => change.incidentId === Number(incident.id));
    expect(forIncident.map((change) => change.kind)).toEqual(['opened', 'resolved']);
    expect(forIncident[0]!.addedAlerts).toHaveLength(2);
    const incidents = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE title = $1', ['DiskFilling (storage)']);
    expect(incidents.rows[0]).toEqual({ n: 1 });
    const delivered = await database.pool.query<{ agent: string }>("SELECT headers->>'user-agent' AS agent FROM deliveries WHERE incident_id = $1 LIMIT 1", [incident.id]);
    expect(delivered.rows[0]!.agent).toMatch(/^Alertmanager\//);
  });
});
