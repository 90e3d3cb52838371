import { oneLine } from '../../graphs/one-line.ts';
import type { Queryable } from '../db/pool.ts';
import { summarizeIncident } from './incident-summary.ts';

/**
 * `details`: more context about an incident without changing the question: its alerts with labels
 * and annotations, how often its source has reported it, deployments shortly before it (Coroot), the
 * models' reasoning (triage, diagnosis, proposals dropped by policy), and what ran for it with the
 * tool's output. Text from outside is shown as data.
 */
export async function incidentDetails(db: Queryable, incidentId: number): Promise<{ title: string; body: string } | undefined> {
  const summary = await summarizeIncident(db, incidentId, 50);
  if (!summary) return undefined;
  const incident = await db.query<{ source: string; opened_at: Date; labels: Record<string, string>; annotations: Record<string, string>; analysis: Analysis }>(
    'SELECT source, opened_at, labels, annotations, analysis FROM incidents WHERE id = $1',
    [incidentId],
  );
  const { source, opened_at: openedAt, labels, annotations, analysis } = incident.rows[0]!;
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
  for (const [name, value] of Object.entries(annotations)) lines.push(`${name}: ${oneLine(value, 300)}`);
  const seen = deliveries.rows[0]!;
  lines.push(`Reported by ${source} ${seen.n} time(s) since ${time(openedAt)}${seen.last ? `, last at ${time(seen.last)}` : ''}`);
  for (const deployment of deployments.rows) lines.push(`Deployed shortly before: ${deployment.subject} at ${time(deployment.occurred_at)}`);
  for (const action of actions.rows) {
    const output = oneLine(action.result?.output ?? action.error ?? '', 200);
    lines.push(`Ran ${action.tool} at ${time(action.started_at)}: ${action.status}${output ? ` — ${output}` : ''}`);
  }
  lines.push(...reasoning(analysis));
  const state = `${summary.status}${summary.flapping ? ', flapping' : ''}, ${summary.firing} firing`;
  return { title: `🔎 #${summary.id} ${summary.title} (${state})`, body: lines.join('\n') };
}

/** What the models said, as the flow kept it (bot/flow/flow-ports.ts `remember`). */
interface Analysis {
  triage?: { problem: boolean; severity: string; reason: string; confidence: number; model?: string };
  diagnosis?: string;
  dropped?: { tool: string; reason: string }[];
  plan?: { instruction: string; summary?: string; refused?: string };
}

function reasoning(analysis: Analysis): string[] {
  const lines: string[] = [];
  const { triage, diagnosis, dropped, plan } = analysis;
  if (triage) {
    const confidence = Math.round(triage.confidence * 100);
    lines.push('', `🤖 Triage${triage.model ? ` (${triage.model})` : ''}: ${triage.problem ? 'a problem' : 'probably not a problem'}, ${triage.severity}, ${confidence}% sure. ${oneLine(triage.reason, 400)}`);
  }
  if (diagnosis) lines.push(`🤖 Diagnosis: ${oneLine(diagnosis, 400)}`);
  for (const proposal of dropped ?? []) lines.push(`🚫 Not offered: ${proposal.tool} (${proposal.reason})`);
  if (plan) lines.push(`📝 custom: “${oneLine(plan.instruction, 200)}” → ${plan.refused ? `no plan: ${plan.refused}` : plan.summary}`);
  return lines;
}

