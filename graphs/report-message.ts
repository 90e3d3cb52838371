import { inert } from './inert-text.ts';

/** What the weekly report (or the daily summary) says, as bot/reports/activity-report.ts read it from the database. */
export interface ActivityFacts {
  /** The window reported on: [from, to). */
  from: Date;
  to: Date;
  actions: { auto: number; approved: number; failed: number; commonest: readonly { tool: string; count: number }[] };
  decisions: { declined: number; answered: number; averageSeconds: number | null };
  found: { detected: number; acted: number; dismissed: number; perDay: readonly { day: string; count: number }[] };
  /** Counts of the audit actions incident.suppressed, runbook.promote and runbook.demote in the window. */
  audited: Readonly<Record<string, number>>;
  preferences: readonly { alertname: string | null; count: number }[];
  spend: readonly { model: string; calls: number; cost: number }[];
  pending: number;
  prs: {
    merged: number;
    rejected: number;
    waiting: readonly number[];
    deferred: readonly { number: number; until: Date }[];
  };
  certificates: readonly { alertname: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  runbooks: { created: number; total: number };
  quota?: readonly { alias: string; week: number; limit: { weekly: number } }[];
  snoozed?: readonly { member: string; dueAt: Date }[];
  autonomyMode: string;
}

const DAY = 86_400_000;
const bars = '▁▂▃▄▅▆▇█';

/** The report's text, and for the weekly one the incidents per day its chart draws. */
export function activityMessage(
  facts: ActivityFacts,
  kind: 'weekly' | 'daily',
): { title: string; body: string; chart?: { day: string; count: number }[] } {
  const { from, to, actions, decisions, found, audited, preferences, spend, pending, prs, certificates } = facts;
  const falsePositives = found.dismissed + (audited['incident.suppressed'] ?? 0);
  const lines: string[] = [];
  let chart: { day: string; count: number }[] | undefined;
  const common = actions.commonest.map((row) => `${inert(row.tool, 80)} ×${row.count}`).join(', ');
  lines.push(
    `Actions: ${actions.auto} auto-executed, ${actions.approved} run with approval, ${decisions.declined} declined${actions.failed > 0 ? `, ${actions.failed} failed` : ''}${common ? ` (commonest: ${common})` : ''}`,
  );
  lines.push(
    `Anomalies: ${found.detected} detected, ${found.acted} acted on, ${falsePositives} false positive${falsePositives === 1 ? '' : 's'} (dismissed or expected)`,
  );
  lines.push(
    `Runbooks: ${facts.runbooks.created} new, ${audited['runbook.promote'] ?? 0} promoted, ${audited['runbook.demote'] ?? 0} demoted, ${facts.runbooks.total} in all`,
  );
  if (decisions.answered > 0 && decisions.averageSeconds !== null)
    lines.push(
      `Time to answer: ${duration(decisions.averageSeconds * 1000)} on average over ${decisions.answered} answer${decisions.answered === 1 ? '' : 's'}`,
    );
  if (preferences.length > 0)
    lines.push(
      `Learned to stay quiet about: ${preferences.map((row) => `${row.alertname ? inert(row.alertname, 60) : 'an alert'}${row.count > 1 ? ` ×${row.count}` : ''}`).join(', ')}`,
    );
  if (spend.length > 0)
    lines.push(
      `LLM: ${spend.map((row) => `${row.model} ${row.calls} call${row.calls === 1 ? '' : 's'} $${row.cost.toFixed(2)}`).join(', ')}`,
    );
  for (const use of facts.quota ?? []) lines.push(`Quota ${use.alias}: ${use.week}/${use.limit.weekly} this week`);

  if (kind === 'weekly') {
    const counts = new Map(found.perDay.map((row) => [row.day, row.count]));
    const days = Array.from({ length: Math.max(1, Math.round((to.getTime() - from.getTime()) / DAY)) }, (_, index) =>
      new Date(from.getTime() + index * DAY).toISOString().slice(0, 10),
    );
    const max = Math.max(1, ...days.map((day) => counts.get(day) ?? 0));
    chart = days.map((day) => ({ day, count: counts.get(day) ?? 0 }));
    lines.push(
      `Incidents per day: ${days.map((day) => bars[Math.round(((counts.get(day) ?? 0) / max) * (bars.length - 1))]).join('')} (${days.map((day) => counts.get(day) ?? 0).join(' ')})`,
    );
    const waking = (facts.snoozed ?? []).filter((item) => item.dueAt.getTime() < to.getTime() + 7 * DAY);
    lines.push(
      `Waiting: ${pending} open question${pending === 1 ? '' : 's'}${waking.length > 0 ? `; snoozed to come back: ${waking.map((item) => `#${item.member}`).join(', ')}` : ''}`,
    );
    if (prs.merged + prs.rejected + prs.waiting.length + prs.deferred.length > 0) {
      const deferred = prs.deferred.map((pr) => `PR #${pr.number} on ${String(pr.until).slice(0, 10)}`);
      lines.push(
        `Renovate PRs: ${prs.merged} merged, ${prs.rejected} rejected; pending: ${prs.waiting.length > 0 ? prs.waiting.map((number) => `PR #${number}`).join(', ') : 'none'}${deferred.length > 0 ? `; deferred, coming back: ${deferred.join(', ')}` : ''}`,
      );
    }
    if (certificates.length > 0) {
      const what = certificates.map((alert) =>
        inert(
          alert.annotations.summary ??
            alert.annotations.description ??
            `${alert.alertname} ${alert.labels.instance ?? alert.labels.name ?? ''}`.trim(),
          120,
        ),
      );
      lines.push(`Coming up: ${what.join('; ')}`);
    }
    lines.push(`Autonomy mode: ${facts.autonomyMode}`);
  }
  const title =
    kind === 'weekly'
      ? `📈 Weekly report ${from.toISOString().slice(0, 10)} – ${new Date(to.getTime() - 1).toISOString().slice(0, 10)}`
      : `🗓 Daily summary ${from.toISOString().slice(0, 10)}`;
  return { title, body: lines.join('\n'), ...(chart ? { chart } : {}) };
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)}s`;
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)}h`;
}

/** The title drawn on the weekly report's chart: the days it covers. */
export function chartTitle(chart: readonly { day: string }[]): string {
  return `Incidents per day, ${chart[0]!.day} – ${chart.at(-1)!.day}`;
}
