import { describe, expect, it } from 'vitest';
import { createIncidentNotices } from '../../bot/chat/incident-notices.ts';
import { createQuestionDesk } from '../../bot/chat/question-desk.ts';
import { createOutboxRepository } from '../../bot/db/repositories/outbox.ts';
import type { IncidentChange } from '../../graphs/incident-changes.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';

/**
 * Past `verbose`, low-priority notices wait for the next digest slot and leave together; anything
 * about a critical incident still goes at once.
 */
describe('the low-priority notice digest', () => {
  const database = useMigratedDatabase();

  async function incident(severity: string): Promise<number> {
    const row = await database.pool.query<{ id: string }>(
      "INSERT INTO incidents (source, external_key, title, labels) VALUES ('alertmanager', $1, 'DiskFull', $2) RETURNING id",
      [`k-${Math.random()}`, { alertname: 'DiskFull', severity }],
    );
    const id = Number(row.rows[0]!.id);
    await database.pool.query(
      "INSERT INTO alerts (incident_id, fingerprint, alertname, status) VALUES ($1, 'f', 'DiskFull', 'firing')",
      [id],
    );
    return id;
  }
  const added = (incidentId: number): IncidentChange => ({
    kind: 'alerts_added',
    incidentId,
    source: 'alertmanager',
    externalKey: 'k',
    title: 'DiskFull',
    addedAlerts: ['f2'],
    resolvedAlerts: [],
    firingAlerts: 2,
    truncatedAlerts: 0,
    flapping: false,
    withdrawnQuestions: [],
  });
  const queued = async (incidentId: number) =>
    (
      await database.pool.query<{ due_in_ms: number; digest: boolean | null }>(
        "SELECT (extract(epoch FROM next_attempt_at - now()) * 1000)::int AS due_in_ms, (payload->>'digest')::boolean AS digest FROM outbox WHERE incident_id = $1",
        [incidentId],
      )
    ).rows;

  function notices(digestMs: number) {
    return createIncidentNotices({
      db: database.pool,
      desk: createQuestionDesk({ pool: database.pool, channels: ['shell'] }),
      outbox: createOutboxRepository(database.pool),
      channels: ['shell'],
      digestMs,
    });
  }

  it('holds a warning incident\u2019s notices for the next slot, aligned so that they leave together', async () => {
    const slot = 3_600_000;
    const [first, second] = [await incident('warning'), await incident('warning')];
    await notices(slot).dispatch(added(first));
    await notices(slot).dispatch(added(second));
    const [a, b] = [(await queued(first))[0]!, (await queued(second))[0]!];
    expect(a.digest).toBe(true);
    expect(a.due_in_ms).toBeGreaterThan(0);
    expect(a.due_in_ms).toBeLessThanOrEqual(slot);
    expect(Math.abs(a.due_in_ms - b.due_in_ms)).toBeLessThan(1_000);
  });

  it('sends a critical incident\u2019s notices at once, and everything at once in verbose mode (no digest)', async () => {
    const critical = await incident('critical');
    await notices(3_600_000).dispatch(added(critical));
    expect(await queued(critical)).toEqual([{ due_in_ms: expect.any(Number) as number, digest: null }]);
    expect((await queued(critical))[0]!.due_in_ms).toBeLessThanOrEqual(0);

    const warning = await incident('warning');
    await notices(0).dispatch(added(warning));
    expect((await queued(warning))[0]).toMatchObject({ digest: null });
    expect((await queued(warning))[0]!.due_in_ms).toBeLessThanOrEqual(0);
  });
});
