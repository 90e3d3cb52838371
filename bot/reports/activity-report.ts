import { inert } from '../../graphs/inert-text.ts';
import type { Report } from '../chat/chat-commands.ts';
import type { Queryable } from '../db/pool.ts';
import { createActionRepository } from '../db/repositories/actions.ts';
import { createAlertRepository } from '../db/repositories/alerts.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { createLlmUsageLog } from '../db/repositories/llm-usage.ts';
import { createPullRequestRepository } from '../db/repositories/pull-requests.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import { createSuppressionRepository } from '../db/repositories/suppressions.ts';
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
  const actions = await createActionRepository(db).between(from, to);
  const decisions = await createDecisionRepository(db).between(from, to);
  const found = await createIncidentRepository(db).between(from, to);
  const audited = await createAuditLog(db).countsBetween(['incident.suppressed', 'runbook.promote', 'runbook.demote'], from, to);
  const preferences = await createSuppressionRepository(db).commonestBetween(from, to, 3);
  const spend = await createLlmUsageLog(db).spendBetween(from, to);
  const pending = await createQuestionRepository(db).openCount();
  const prs = await createPullRequestRepository(db).summaryBetween(from, to);
  // What is known to come: certificates an alert says are expiring (blackbox's SSLCertExpiringSoon,
  // cert-manager's CertManagerCertExpirySoon and the like), still firing at the report's end.
  const certificates = await createAlertRepository(db).expiringCertificates(to, 5);

  const falsePositives = found.dismissed + audited['incident.suppressed']!;
  const lines: string[] = [];
  let chart: DayCount[] | undefined;
  const common = actions.commonest.map((row) => `${row.tool} ×${row.count}`).join(', ');
  lines.push(`Actions: ${actions.auto} auto-executed, ${actions.approved} run with approval, ${decisions.declined} declined${actions.failed > 0 ? `, ${actions.failed} failed` : ''}${common ? ` (commonest: ${common})` : ''}`);
  lines.push(`Anomalies: ${found.detected} detected, ${found.acted} acted on, ${falsePositives} false positive${falsePositives === 1 ? '' : 's'} (dismissed or expected)`);
  lines.push(`Runbooks: ${inputs.runbooks.createdBetween(from, to)} new, ${audited['runbook.promote']} promoted, ${audited['runbook.demote']} demoted, ${inputs.runbooks.total} in all`);
  if (decisions.answered > 0 && decisions.averageSeconds !== null) lines.push(`Time to answer: ${duration(decisions.averageSeconds * 1000)} on average over ${decisions.answered} answer${decisions.answered === 1 ? '' : 's'}`);
  if (preferences.length > 0) lines.push(`Learned to stay quiet about: ${preferences.map((row) => `${row.alertname ? inert(row.alertname, 60) : 'an alert'}${row.count > 1 ? ` ×${row.count}` : ''}`).join(', ')}`);
  if (spend.length > 0) lines.push(`LLM: ${spend.map((row) => `${row.model} ${row.calls} call${row.calls === 1 ? '' : 's'} $${row.cost.toFixed(2)}`).join(', ')}`);
  for (const use of inputs.quota ?? []) lines.push(`Quota ${use.alias}: ${use.week}/${use.limit.weekly} this week`);

  if (kind === 'weekly') {
    const counts = new Map(found.perDay.map((row) => [row.day, row.count]));
    const days = Array.from({ length: Math.max(1, Math.round((to.getTime() - from.getTime()) / DAY)) }, (_, index) => new Date(from.getTime() + index * DAY).toISOString().slice(0, 10));
    const max = Math.max(1, ...days.map((day) => counts.get(day) ?? 0));
    chart = days.map((day) => ({ day, count: counts.get(day) ?? 0 }));
    lines.push(`Incidents per day: ${days.map((day) => bars[Math.round(((counts.get(day) ?? 0) / max) * (bars.length - 1))]).join('')} (${days.map((day) => counts.get(day) ?? 0).join(' ')})`);
    const waking = (inputs.snoozed ?? []).filter((item) => item.dueAt.getTime() < to.getTime() + 7 * DAY);
    lines.push(`Waiting: ${pending} open question${pending === 1 ? '' : 's'}${waking.length > 0 ? `; snoozed to come back: ${waking.map((item) => `#${item.member}`).join(', ')}` : ''}`);
    if (prs.merged + prs.rejected + prs.waiting.length + prs.deferred.length > 0) {
      const deferred = prs.deferred.map((pr) => `PR #${pr.number} on ${String(pr.until).slice(0, 10)}`);
      lines.push(`Renovate PRs: ${prs.merged} merged, ${prs.rejected} rejected; pending: ${prs.waiting.length > 0 ? prs.waiting.map((number) => `PR #${number}`).join(', ') : 'none'}${deferred.length > 0 ? `; deferred, coming back: ${deferred.join(', ')}` : ''}`);
    }
    if (certificates.length > 0) {
      const what = certificates.map((alert) => inert(alert.annotations.summary ?? alert.annotations.description ?? `${alert.alertname} ${alert.labels.instance ?? alert.labels.name ?? ''}`.trim(), 120));
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
