import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../graphs/incident-changes.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { buildIntakeApp, TOKEN } from '../helpers/intake-app.ts';
import {
  alertmanagerSkipReason as skipReason,
  startRealAlertmanager,
  type RealAlertmanager,
} from '../helpers/real-alertmanager.ts';
import { waitFor } from '../helpers/until.ts';

describe.skipIf(skipReason !== undefined)(
  `a real Alertmanager posting to Steward${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const database = useMigratedDatabase();
    let app: FastifyInstance;
    let changes: IncidentChange[];
    let alertmanager: RealAlertmanager;

    beforeAll(async () => {
      ({ app, changes } = await buildIntakeApp(database.pool));
      const stewardPort = await findFreePort();
      await app.listen({ host: '127.0.0.1', port: stewardPort });
      alertmanager = await startRealAlertmanager({
        webhookUrl: `http://127.0.0.1:${stewardPort}/webhooks/alertmanager`,
        token: TOKEN,
        groupBy: ['alertname', 'namespace'],
      });
    });

    afterAll(async () => {
      await alertmanager?.stop();
      await app?.close();
    });

    async function pushAlerts(endsAt?: string): Promise<void> {
      await alertmanager.push(
        ['nas-1', 'nas-2'].map((instance) => ({
          labels: { alertname: 'DiskFilling', namespace: 'storage', instance, severity: 'warning' },
          annotations: { summary: `Disk on ${instance} is filling up` },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          ...(endsAt ? { endsAt } : {}),
        })),
      );
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
        const rows = await database.pool.query(
          "SELECT fingerprint FROM alerts WHERE incident_id = $1 AND status = 'firing'",
          [incident.id],
        );
        return rows.rowCount === 2 ? rows.rows : undefined;
      });
      expect(firing).toHaveLength(2);

      // Resolve both by posting them again with endsAt now.
      await pushAlerts(new Date().toISOString());
      await waitFor('the incident to close', async () => {
        const rows = await database.pool.query<{ closed_at: Date }>(
          'SELECT closed_at FROM incidents WHERE id = $1 AND closed_at IS NOT NULL',
          [incident.id],
        );
        return rows.rows[0];
      });

      const forIncident = changes.filter((change) => change.incidentId === Number(incident.id));
      // One notification carries both alerts; on a busy machine Alertmanager may flush the group
      // before it has the second, which then joins as an update. Either way: one incident, both alerts.
      const kinds = forIncident.map((change) => change.kind);
      expect([
        ['opened', 'resolved'],
        ['opened', 'alerts_added', 'resolved'],
      ]).toContainEqual(kinds);
      expect(forIncident.flatMap((change) => change.addedAlerts)).toHaveLength(2);
      const incidents = await database.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM incidents WHERE title = $1',
        ['DiskFilling (storage)'],
      );
      expect(incidents.rows[0]).toEqual({ n: 1 });
      const delivered = await database.pool.query<{ agent: string }>(
        "SELECT headers->>'user-agent' AS agent FROM deliveries WHERE incident_id = $1 LIMIT 1",
        [incident.id],
      );
      expect(delivered.rows[0]!.agent).toMatch(/^Alertmanager\//);
    });
  },
);
