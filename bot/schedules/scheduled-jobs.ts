import { whyNoModel } from '../../graphs/model-unavailable.ts';
import { scheduledAnswer } from '../../graphs/operator-messages.ts';
import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import type { AutonomyMode } from '../config/types.ts';
import type { Pool } from '../db/pool.ts';
import type { LlmGateway, LlmRequest } from '../llm/gateway.ts';
import { activityReport, type ReportInputs } from '../reports/activity-report.ts';
import type { ScheduledQuery } from './schedule-config.ts';
import type { ScheduledJob } from './scheduler.ts';

const DAY = 86_400_000;

export interface JobDeps {
  pool: Pool;
  llm: Pick<LlmGateway, 'ask'>;
  /** Enqueues a notice once per key on the given channels. */
  post(notice: OutgoingNotice, key: string, channels?: readonly string[]): Promise<void>;
  channels: readonly string[];
  reportInputs(): Promise<Omit<ReportInputs, 'db' | 'from' | 'to'>>;
  autonomyMode: AutonomyMode;
  weeklyCron: string;
  dailyCron: string;
  /** The read-only tools a query may use (empty when it names none). */
  toolsFor?(query: ScheduledQuery): LlmRequest<string>['tools'];
}

/**
 * Steward's own schedule: the weekly report, a daily summary in `verbose` mode (the later modes are
 * quieter: the weekly report only), and each of the owner's scheduled queries. Every message is keyed
 * by its slot, so even a re-run cannot send it twice.
 */
export function scheduledJobs(deps: JobDeps, queries: readonly ScheduledQuery[]): ScheduledJob[] {
  const report = (kind: 'weekly' | 'daily', cron: string): ScheduledJob => ({
    id: `${kind}-report`,
    cron,
    async run(slot) {
      const from = new Date(slot.getTime() - (kind === 'weekly' ? 7 : 1) * DAY);
      const body = await activityReport({ db: deps.pool, from, to: slot, ...(await deps.reportInputs()) }, kind);
      await deps.post({ kind: 'notice', ...body }, `report:${kind}:${slot.toISOString()}`);
    },
  });

  const jobs: ScheduledJob[] = [report('weekly', deps.weeklyCron)];
  if (deps.autonomyMode === 'verbose') jobs.push(report('daily', deps.dailyCron));
  for (const query of queries) {
    jobs.push({
      id: `schedule:${query.id}`,
      cron: query.schedule,
      async run(slot) {
        const tools = query.tools.length > 0 ? deps.toolsFor?.(query) : undefined;
        const answer = await deps.llm.ask({
          purpose: 'reasoning',
          ...(query.model ? { forced: query.model } : {}),
          ...(tools && tools.offered.length > 0 ? { tools } : {}),
          instructions: `You answer a question the owner of a homelab scheduled for themselves. Be brief and concrete: it is read on a phone. Say when you are unsure.${tools && tools.offered.length > 0 ? ' You may call the read-only tools offered to look at the homelab first; base your answer on what they return.' : ''}`,
          data: { asOf: slot.toISOString(), schedule: query.id },
          task: query.prompt,
        });
        // The error is what "⚠️ … failed" says (graphs/operator-messages.ts `scheduleFailed`).
        if (!answer.ok) throw new Error(whyNoModel(answer.reason));
        const channels =
          query.delivery === 'all' ? deps.channels : deps.channels.filter((channel) => channel === query.delivery);
        // The owner's own chat is the one place a scrubbed value may be put back. The answer is a model's
        // text (and may quote what a tool read): quoted line by line, so none of it starts a line.
        await deps.post(
          scheduledAnswer(query.id, answer.ownerText ?? answer.text),
          `schedule:${query.id}:${slot.toISOString()}`,
          channels.length > 0 ? channels : deps.channels,
        );
      },
    });
  }
  return jobs;
}
