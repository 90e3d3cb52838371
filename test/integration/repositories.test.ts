import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../bot/db/repositories/audit-log.ts';
import { createIncidentRepository } from '../../bot/db/repositories/incidents.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';

for (const backend of databaseBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(
    `repositories on ${backend.name} PostgreSQL${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`,
    () => {
      let database: MigratedDatabase;
      beforeAll(async () => {
        database = await createMigratedDatabase(backend.adminUrl!);
      });
      afterAll(async () => {
        await database?.close();
      });

      describe('incidents', () => {
        it('opens one incident per group even when twenty deliveries race', async () => {
          const incidents = createIncidentRepository(database.pool);
          const input = {
            source: 'alertmanager' as const,
            externalKey: '{}:{alertname="HighMemory"}',
            title: 'HighMemory',
            labels: { pod: 'radarr-0' },
          };
          const results = await Promise.all(Array.from({ length: 20 }, () => incidents.openOrGet(input)));
          expect(results.filter((result) => result.created)).toHaveLength(1);
          expect(new Set(results.map((result) => result.incident.id)).size).toBe(1);
          expect(results[0]!.incident).toMatchObject({ status: 'open', labels: { pod: 'radarr-0' }, closedAt: null });
        });

        it('starts a new incident for the same group once the old one is closed', async () => {
          const incidents = createIncidentRepository(database.pool);
          const input = { source: 'coroot' as const, externalKey: 'incident-7', title: 'SLO violation' };
          const first = await incidents.openOrGet(input);
          const closed = await incidents.close(first.incident.id, 'resolved');
          expect(closed).toMatchObject({ status: 'closed', closeReason: 'resolved' });
          expect(await incidents.close(first.incident.id, 'again')).toBeUndefined();
          const second = await incidents.openOrGet(input);
          expect(second.created).toBe(true);
          expect(second.incident.id).not.toBe(first.incident.id);
          expect(await incidents.findLive('coroot', 'incident-7')).toMatchObject({ id: second.incident.id });
          expect(await incidents.get(first.incident.id)).toMatchObject({ status: 'closed' });
        });
      });

      describe('audit log', () => {
        it('records entries and filters them', async () => {
          const audit = createAuditLog(database.pool);
          const since = new Date(Date.now() - 1000);
          await audit.record({
            actor: '+4915100000001',
            channel: 'signal',
            action: 'approve',
            subject: 'incident:14',
            outcome: 'executed',
          });
          await audit.record({
            actor: 'owner',
            channel: 'mattermost',
            action: 'ignore',
            outcome: 'closed',
            details: { days: 7 },
          });
          const approvals = await audit.list({ action: 'approve', since });
          expect(approvals).toHaveLength(1);
          expect(approvals[0]).toMatchObject({
            actor: '+4915100000001',
            channel: 'signal',
            subject: 'incident:14',
            outcome: 'executed',
          });
          const byOwner = await audit.list({ actor: 'owner' });
          expect(byOwner[0]).toMatchObject({ action: 'ignore', details: { days: 7 } });
        });
      });
    },
  );
}
