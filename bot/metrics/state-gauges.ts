import { Counter, Gauge } from 'prom-client';
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
  // The incident flow's tool actions, from the actions table (the claim rows): by tool, how each ended,
  // and whether the owner approved it or a promoted runbook ran it alone.
  new Counter({
    name: 'steward_actions_total',
    help: 'Tool actions the incident flow finished, by tool, outcome (succeeded, failed, interrupted) and trigger (approved, auto)',
    labelNames: ['tool', 'outcome', 'trigger'],
    registers: [metrics.registry],
    async collect() {
      const result = await db.query<{ tool: string; status: string; trigger: string; n: string }>(
        "SELECT tool, status, trigger, count(*) AS n FROM actions WHERE status <> 'started' GROUP BY tool, status, trigger",
      );
      this.reset();
      for (const row of result.rows) this.inc({ tool: row.tool, outcome: row.status, trigger: row.trigger }, Number(row.n));
    },
  });
  new Gauge({
    name: 'steward_actions_running',
    help: 'Tool actions started and not finished',
    registers: [metrics.registry],
    async collect() {
      const result = await db.query<{ count: string }>("SELECT count(*) FROM actions WHERE status = 'started'");
      this.set(Number(result.rows[0]!.count));
    },
  });
}
