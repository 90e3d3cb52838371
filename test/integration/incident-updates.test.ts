import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../graphs/incident-changes.ts';
import { createPostgresCoordination } from '../../bot/coordination/index.ts';
import { createCoalescingDispatcher } from '../../bot/intake/coalescing-dispatcher.ts';
import { createDeliveryRetention } from '../../bot/intake/delivery-retention.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const embedded = databaseBackends()[0]!;

describe('incident updates and delivery retention', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase(embedded.adminUrl!);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function newIncident(key: string, fingerprints: string[]): Promise<number> {
    const incident = await database.pool.query<{ id: string }>(
      "INSERT INTO incidents (source, external_key, title) VALUES ('alertmanager', $1, 'DiskFull') RETURNING id",
      [key],
    );
    const id = Number(incident.rows[0]!.id);
    for (const fingerprint of fingerprints) await addAlert(id, fingerprint);
    return id;
  }

  async function addAlert(incidentId: number, fingerprint: string): Promise<void> {
    await database.pool.query(
      "INSERT INTO alerts (incident_id, fingerprint, alertname, status) VALUES ($1, $2, 'DiskFull', 'firing')",
      [incidentId, fingerprint],
    );
  }

  /** The real coalescing dispatcher, in front of one that records what it is handed. */
  function coalescing(intervalMs: number, now?: () => Date) {
    const received: IncidentChange[] = [];
    const dispatcher = createCoalescingDispatcher({
      inner: { dispatch: (c) => Promise.resolve(void received.push(c)) },
      coordination: createPostgresCoordination(database.pool),
      db: database.pool,
      logger: silentLogger(),
      intervalMs,
      now,
    });
    return { dispatcher, received };
  }

  function change(kind: IncidentChange['kind'], incidentId: number, addedAlerts: string[]): IncidentChange {
    return {
      kind,
      incidentId,
      source: 'alertmanager',
      externalKey: 'k',
      title: 'DiskFull',
      addedAlerts,
      resolvedAlerts: [],
      firingAlerts: 0,
      truncatedAlerts: 0,
      flapping: false,
      withdrawnQuestions: [],
    };
  }

  it('tells about new alerts at most once per interval, merging what came in between', async () => {
    let now = new Date();
    const { dispatcher, received } = coalescing(300, () => now);
    const id = await newIncident('coalesce-1', ['a']);
    await dispatcher.dispatch(change('opened', id, ['a']));
    expect(received.map((c) => c.kind)).toEqual(['opened']);

    // Two more batches inside the window opened by the first message: held back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await addAlert(id, 'b');
    await dispatcher.dispatch(change('alerts_added', id, ['b']));
    await addAlert(id, 'c');
    await dispatcher.dispatch(change('alerts_added', id, ['c']));
    expect(received).toHaveLength(1);
    expect(await dispatcher.flushDue()).toBe(0);

    // When the window ends, one merged update with both.
    await new Promise((resolve) => setTimeout(resolve, 350));
    now = new Date();
    expect(await dispatcher.flushDue()).toBe(1);
    expect(received).toHaveLength(2);
    expect(received[1]).toMatchObject({ kind: 'alerts_added', incidentId: id, firingAlerts: 3 });
    expect(received[1]!.addedAlerts.sort()).toEqual(['b', 'c']);

    // Resolution and other changes are never held back.
    await dispatcher.dispatch(change('resolved', id, []));
    expect(received.map((c) => c.kind)).toEqual(['opened', 'alerts_added', 'resolved']);
  });

  it('sends nothing held back for an incident that resolved meanwhile', async () => {
    const { dispatcher, received } = coalescing(100);
    const id = await newIncident('coalesce-2', ['a']);
    await dispatcher.dispatch(change('opened', id, ['a']));
    await addAlert(id, 'b');
    await dispatcher.dispatch(change('alerts_added', id, ['b']));
    await database.pool.query('UPDATE incidents SET closed_at = now() WHERE id = $1', [id]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await dispatcher.flushDue()).toBe(0);
    expect(received.map((c) => c.kind)).toEqual(['opened']);
  });

  it('deletes deliveries older than the retention and keeps the rest', async () => {
    await database.pool.query(
      `INSERT INTO deliveries (source, body, received_at) VALUES
         ('alertmanager', '{}', now() - interval '31 days'), ('alertmanager', '{}', now() - interval '29 days'), ('coroot', '{}', now())`,
    );
    const retention = createDeliveryRetention({
      db: database.pool,
      coordination: createPostgresCoordination(database.pool),
      logger: silentLogger(),
      days: 30,
    });
    expect(await retention.purge()).toBe(1);
    const left = await database.pool.query(
      "SELECT count(*)::int AS n FROM deliveries WHERE received_at < now() - interval '30 days'",
    );
    expect(left.rows[0]).toEqual({ n: 0 });
    expect(await retention.purge()).toBe(0);
  });
});
