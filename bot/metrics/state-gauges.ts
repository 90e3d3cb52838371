import { Counter, Gauge } from 'prom-client';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createOutboxRepository } from '../db/repositories/outbox.ts';
import type { Metrics } from './create-metrics.ts';

/** Gauges read from the database at scrape time, so every replica reports the same truth. */
export function registerStateGauges(metrics: Metrics, db: Queryable): void {
  const incidents = createIncidentRepository(db);
  const alerts = createAlertRepository(db);
  const outbox = createOutboxRepository(db);
  const actions = createActionRepository(db);
  new Gauge({
    name: 'steward_open_incidents',
    help: 'Incidents not yet closed',
    registers: [metrics.registry],
    async collect() {
      this.set(await incidents.countLive());
    },
  });
  new Gauge({
    name: 'steward_active_alerts',
    help: 'Firing alerts of open incidents',
    registers: [metrics.registry],
    async collect() {
      this.set(await alerts.firingLiveCount());
    },
  });
  new Gauge({
    name: 'steward_outbox_backlog',
    help: 'Chat messages waiting to be sent, by channel',
    labelNames: ['channel'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const [channel, waiting] of Object.entries(await outbox.backlog())) this.set({ channel }, waiting);
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
      const finished = await actions.finishedCounts();
      this.reset();
      for (const row of finished) this.inc({ tool: row.tool, outcome: row.status, trigger: row.trigger }, row.count);
    },
  });
  new Gauge({
    name: 'steward_actions_running',
    help: 'Tool actions started and not finished',
    registers: [metrics.registry],
    async collect() {
      this.set(await actions.startedCount());
    },
  });
}
