import { Gauge } from 'prom-client';
import type { Queryable } from '../db/pool.ts';
import type { Metrics } from './create-metrics.ts';

/** Gauges read from the database at scrape time, so every replica reports the same truth. */
export function registerStateGauges(metrics: Metrics, db: Queryable): void {
  new Gauge({
    name: 'steward_open_incidents',
    help: 'Incidents not yet closed',
    registers: [metrics.registry],
    async collect() {
      const result = await db.query<{ count: string }>('SELECT count(*) FROM incidents WHERE closed_at IS NULL');
      this.set(Number(result.rows[0]!.count));
    },
  });
  new Gauge({
    name: 'steward_active_alerts',
    help: 'Firing alerts of open incidents',
    registers: [metrics.registry],
    async collect() {
      const result = await db.query<{ count: string }>(
        "SELECT count(*) FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE a.status = 'firing' AND i.closed_at IS NULL",
      );
      this.set(Number(result.rows[0]!.count));
    },
  });
  new Gauge({
    name: 'steward_outbox_backlog',
    help: 'Chat messages waiting to be sent, by channel',
    labelNames: ['channel'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const result = await db.query<{ channel: string; n: string }>("SELECT channel, count(*) AS n FROM outbox WHERE status = 'pending' GROUP BY channel");
      for (const row of result.rows) this.set({ channel: row.channel }, Number(row.n));
    },
  });
}
