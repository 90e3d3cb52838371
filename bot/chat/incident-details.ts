import type { Queryable } from '../db/pool.ts';
import { summarizeIncident } from './incident-summary.ts';

/**
 * `details`: more context about an incident without changing the question: its alerts with labels,
 * how often its source has reported it, deployments shortly before it (Coroot), and what ran for it
 * with the tool's output. Text from outside is shown as data.
 */
export async function incidentDetails(db: Queryable, incidentId: number): Promise<{ title: string; body: string } | undefined> {
  const summary = await summarizeIncident(db, incidentId, 50);
  if (!summary) return undefined;
  const incident = await db.query<{ source: string; opened_at: Date; labels: Record<string, string> }>('SELECT source, opened_at, labels FROM incidents WHERE id = $1', [incidentId]);
  const { source, opened_at: openedAt, labels } = incident.rows[0]!;
  const deliveries = await db.query<{ n: string; last: Date | null }>('SELECT count(*) AS n, max(received_at) AS last FROM deliveries WHERE incident_id = $1', [incidentId]);
  const deployments = await db.query<{ subject: string; occurred_at: Date }>(
    `SELECT subject, occurred_at FROM events WHERE kind = 'deployment' AND occurred_at BETWEEN $1::timestamptz - interval '2 hours' AND now()
     ORDER BY occurred_at DESC LIMIT 3`,
    [openedAt],
  );
  const actions = await db.query<{ tool: string; status: string; result: { output?: string } | null; error: string | null; started_at: Date }>(
    'SELECT tool, status, result, error, started_at FROM actions WHERE incident_id = $1 ORDER BY id DESC LIMIT 3',
    [incidentId],
  );

  const time = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = [...summary.lines];
  const shared = Object.entries(labels).map(([name, value]) => `${name}=${value}`).join(', ');
  if (shared) lines.push('', `Labels: ${shared}`);
  const seen = deliveries.rows[0]!;
  lines.push(`Reported by ${source} ${seen.n} time(s) since ${time(openedAt)}${seen.last ? `, last at ${time(seen.last)}` : ''}`);
  for (const deployment of deployments.rows) lines.push(`Deployed shortly before: ${deployment.subject} at ${time(deployment.occurred_at)}`);
  for (const action of actions.rows) {
    const output = (action.result?.output ?? action.error ?? '').replace(/\s+/g, ' ').slice(0, 200);
    lines.push(`Ran ${action.tool} at ${time(action.started_at)}: ${action.status}${output ? ` — ${output}` : ''}`);
  }
  const state = `${summary.status}${summary.flapping ? ', flapping' : ''}, ${summary.firing} firing`;
  return { title: `🔎 #${summary.id} ${summary.title} (${state})`, body: lines.join('\n') };
}
