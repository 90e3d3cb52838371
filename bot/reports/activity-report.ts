import { inert } from '../../graphs/inert-text.ts';
import type { Report } from '../chat/chat-commands.ts';
import type { Queryable } from '../db/pool.ts';
import { incidentChartPng, type DayCount } from './incident-chart.ts';

export interface ReportInputs {
  db: Queryable;
  /** The window reported on: [from, to). */
  from: Date;
  to: Date;
  runbooks: { total: number; createdBetween(from: Date, to: Date): number };
  quota?: readonly { alias: string; week: number; limit: { weekly: number } }[];
  /** Snoozed incidents still to wake (the flow's timer queue). */
  snoozed?: readonly { member: string; dueAt: Date }[];
  autonomyMode: string;
}

const DAY = 86_400_000;
const bars = '▁▂▃▄▅▆▇█';

/**
 * What Steward did and learned in a window, computed from the database: the weekly report (and, in
 * verbose mode, the shorter daily summary). Every figure is a query over actions, decisions,
 * incidents, suppressions, the audit log and LLM usage, never a counter kept on the side.
 */
export async function activityReport(inputs: ReportInputs, kind: 'weekly' | 'daily'): Promise<Report> {
  const { db, from, to } = inputs;
  const window = [from, to];
  const actions = await db.query<{ auto: number; approved: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE trigger = 'auto')::int AS auto, count(*) FILTER (WHERE trigger = 'approved')::int AS approved,
            count(*) FILTER (WHERE status IN ('failed', 'interrupted'))::int AS failed
     FROM actions WHERE started_at >= $1 AND started_at < $2`,
    window,
  );
  const kinds = await db.query<{ tool: string; n: number }>('SELECT tool, count(*)::int AS n FROM actions WHERE started_at >= $1 AND started_at < $2 GROUP BY tool ORDER BY n DESC, tool LIMIT 3', window);
  const declined = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM decisions WHERE decided_at >= $1 AND decided_at < $2
       AND (answer->>'kind' = 'ignore' OR answer->>'label' IN ('No, expected', 'Ignore'))`,
    window,
  );
  const anomalies = await db.query<{ detected: number; acted: number; dismissed: number }>(
    `SELECT count(*)::int AS detected,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM actions a WHERE a.incident_id = i.id))::int AS acted,
            count(*) FILTER (WHERE i.close_reason LIKE 'dismissed%')::int AS dismissed
     FROM incidents i WHERE i.opened_at >= $1 AND i.opened_at < $2`,
    window,
  );
  const suppressed = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident.suppressed' AND at >= $1 AND at < $2", window);
  const changes = await db.query<{ promoted: number; demoted: number }>(
    `SELECT count(*) FILTER (WHERE action = 'runbook.promote')::int AS promoted, count(*) FILTER (WHERE action = 'runbook.demote')::int AS demoted
     FROM audit_log WHERE at >= $1 AND at < $2`,
    window,
  );
  const approval = await db.query<{ seconds: number | null; n: number }>(
    `SELECT avg(extract(epoch FROM d.decided_at - q.created_at))::float AS seconds, count(*)::int AS n
     FROM decisions d JOIN questions q ON q.id = d.question_id
     WHERE d.actor <> 'steward' AND d.decided_at >= $1 AND d.decided_at < $2`,
    window,
  );
  const preferences = await db.query<{ alertname: string | null; n: number }>(
    "SELECT labels->>'alertname' AS alertname, count(*)::int AS n FROM suppressions WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY n DESC LIMIT 3",
    window,
  );
  const spend = await db.query<{ model: string; calls: number; cost: string }>(
    "SELECT COALESCE(model, alias) AS model, count(*)::int AS calls, sum(cost_usd)::text AS cost FROM llm_usage WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY sum(cost_usd) DESC, 1",
    window,
  );
  const pending = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM questions WHERE status = 'open'");
  const pullRequests = await db.query<{ merged: number; rejected: number; waiting: string[]; deferred: { number: number; until: Date }[] }>(
    `SELECT count(*) FILTER (WHERE merged_at >= $1 AND merged_at < $2)::int AS merged,
            count(*) FILTER (WHERE stage = 'rejected' AND closed_at >= $1 AND closed_at < $2)::int AS rejected,
            COALESCE(array_agg('#' || number ORDER BY number) FILTER (WHERE state = 'open' AND stage IN ('new', 'assessing', 'assessed', 'asked')), '{}') AS waiting,
            COALESCE(json_agg(json_build_object('number', number, 'until', deferred_until) ORDER BY deferred_until) FILTER (WHERE state = 'open' AND stage = 'deferred'), '[]') AS deferred
     FROM pull_requests`,
    window,
  );
  // What is known to come: certificates an alert says are expiring (blackbox's SSLCertExpiringSoon,
  // cert-manager's CertManagerCertExpirySoon and the like), still firing at the report's end.
  const certificates = await db.query<{ alertname: string; labels: Record<string, string>; annotations: Record<string, string> }>(
    `SELECT DISTINCT ON (fingerprint) alertname, labels, annotations FROM alerts
     WHERE status = 'firing' AND first_seen < $1 AND alertname ~* '(cert|x509|ssl|tls)' ORDER BY fingerprint, last_seen DESC LIMIT 5`,
    [to],
  );
  const perDay = await db.query<{ day: string; n: number }>(
    "SELECT to_char(date_trunc('day', opened_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS n FROM incidents WHERE opened_at >= $1 AND opened_at < $2 GROUP BY 1",
    window,
  );

  const a = actions.rows[0]!;
  const found = anomalies.rows[0]!;
  const falsePositives = found.dismissed + suppressed.rows[0]!.n;
  const lines: string[] = [];
  let chart: DayCount[] | undefined;
  const common = kinds.rows.map((row) => `${row.tool} ×${row.n}`).join(', ');
  lines.push(`Actions: ${a.auto} auto-executed, ${a.approved} run with approval, ${declined.rows[0]!.n} declined${a.failed > 0 ? `, ${a.failed} failed` : ''}${common ? ` (commonest: ${common})` : ''}`);
  lines.push(`Anomalies: ${found.detected} detected, ${found.acted} acted on, ${falsePositives} false positive${falsePositives === 1 ? '' : 's'} (dismissed or expected)`);
  const c = changes.rows[0]!;
  lines.push(`Runbooks: ${inputs.runbooks.createdBetween(from, to)} new, ${c.promoted} promoted, ${c.demoted} demoted, ${inputs.runbooks.total} in all`);
  const avg = approval.rows[0]!;
  if (avg.n > 0 && avg.seconds !== null) lines.push(`Time to answer: ${duration(avg.seconds * 1000)} on average over ${avg.n} answer${avg.n === 1 ? '' : 's'}`);
  if (preferences.rows.length > 0) lines.push(`Learned to stay quiet about: ${preferences.rows.map((row) => `${row.alertname ? inert(row.alertname, 60) : 'an alert'}${row.n > 1 ? ` ×${row.n}` : ''}`).join(', ')}`);
  if (spend.rows.length > 0) lines.push(`LLM: ${spend.rows.map((row) => `${row.model} ${row.calls} call${row.calls === 1 ? '' : 's'} $${Number(row.cost).toFixed(2)}`).join(', ')}`);
  for (const use of inputs.quota ?? []) lines.push(`Quota ${use.alias}: ${use.week}/${use.limit.weekly} this week`);

  if (kind === 'weekly') {
    const counts = new Map(perDay.rows.map((row) => [row.day, row.n]));
    const days = Array.from({ length: Math.max(1, Math.round((to.getTime() - from.getTime()) / DAY)) }, (_, index) => new Date(from.getTime() + index * DAY).toISOString().slice(0, 10));
    const max = Math.max(1, ...days.map((day) => counts.get(day) ?? 0));
    chart = days.map((day) => ({ day, count: counts.get(day) ?? 0 }));
    lines.push(`Incidents per day: ${days.map((day) => bars[Math.round(((counts.get(day) ?? 0) / max) * (bars.length - 1))]).join('')} (${days.map((day) => counts.get(day) ?? 0).join(' ')})`);
    const waking = (inputs.snoozed ?? []).filter((item) => item.dueAt.getTime() < to.getTime() + 7 * DAY);
    lines.push(`Waiting: ${pending.rows[0]!.n} open question${pending.rows[0]!.n === 1 ? '' : 's'}${waking.length > 0 ? `; snoozed to come back: ${waking.map((item) => `#${item.member}`).join(', ')}` : ''}`);
    const prs = pullRequests.rows[0]!;
    if (prs.merged + prs.rejected + prs.waiting.length + prs.deferred.length > 0) {
      const deferred = prs.deferred.map((pr) => `PR #${pr.number} on ${String(pr.until).slice(0, 10)}`);
      lines.push(`Renovate PRs: ${prs.merged} merged, ${prs.rejected} rejected; pending: ${prs.waiting.length > 0 ? prs.waiting.map((number) => `PR ${number}`).join(', ') : 'none'}${deferred.length > 0 ? `; deferred, coming back: ${deferred.join(', ')}` : ''}`);
    }
    if (certificates.rows.length > 0) {
      const what = certificates.rows.map((alert) => inert(alert.annotations.summary ?? alert.annotations.description ?? `${alert.alertname} ${alert.labels.instance ?? alert.labels.name ?? ''}`.trim(), 120));
      lines.push(`Coming up: ${what.join('; ')}`);
    }
    lines.push(`Autonomy mode: ${inputs.autonomyMode}`);
  }
  const title = kind === 'weekly' ? `📈 Weekly report ${from.toISOString().slice(0, 10)} – ${new Date(to.getTime() - 1).toISOString().slice(0, 10)}` : `🗓 Daily summary ${from.toISOString().slice(0, 10)}`;
  // The chart goes as a picture where the platform takes one; the text line above stays for the others.
  return { title, body: lines.join('\n'), ...(chart ? { image: await incidentChartPng(chart, `Incidents per day, ${chart[0]!.day} – ${chart.at(-1)!.day}`) } : {}) };
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)}s`;
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)}h`;
}
