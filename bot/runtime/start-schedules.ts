import { scheduleFailed } from '../../graphs/operator-messages.ts';
import type { ChatCommands } from '../chat/chat-commands.ts';
import { ConfigError, type ConfigProblem } from '../config/index.ts';
import type { StructuredConfig } from '../config/structured-config.ts';
import type { Config } from '../config/types.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { SNOOZE_QUEUE } from '../flow/incident-flow.ts';
import type { LlmGateway } from '../llm/gateway.ts';
import type { Logger } from '../logging/index.ts';
import type { McpHub } from '../mcp/mcp-hub.ts';
import { queryTools, type QueryToolPolicy } from '../schedules/query-tools.ts';
import { activityReport } from '../reports/activity-report.ts';
import type { RunbookStore } from '../runbooks/runbook-store.ts';
import { readSchedules } from '../schedules/schedule-config.ts';
import { scheduledJobs } from '../schedules/scheduled-jobs.ts';
import { createScheduler, cronProblem } from '../schedules/scheduler.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import type { Chat } from './start-chat.ts';
import type { Shutdown } from './shutdown.ts';

export interface ScheduleDeps {
  config: Config;
  structured: StructuredConfig;
  pool: Pool;
  coordination: Coordination;
  logger: Logger;
  chat: Chat;
  llm: LlmGateway;
  runbooks: RunbookStore;
  shutdown: Shutdown;
  commands: ChatCommands;
  mcp: Pick<McpHub, 'tools' | 'call'>;
  policy: QueryToolPolicy;
  /** How often due slots are checked; a slot runs within this much of its time. */
  tickMs?: number;
}

/** The weekly report (and `weekly`), the verbose daily summary and the owner's scheduled queries. */
export function startSchedules(deps: ScheduleDeps) {
  const { config, chat } = deps;
  const problems: ConfigProblem[] = [];
  for (const [variable, cron] of [
    ['WEEKLY_REPORT_CRON', config.weeklyReportCron],
    ['DAILY_SUMMARY_CRON', config.dailySummaryCron],
  ] as const) {
    const problem = cronProblem(cron, config.timezone);
    if (problem) problems.push({ variable, message: problem });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const queries = readSchedules(deps.structured.schedules, config.timezone);

  const reportInputs = async () => ({
    runbooks: {
      total: deps.runbooks.list().length,
      createdBetween: (from: Date, to: Date) =>
        deps.runbooks
          .list()
          .filter(
            (runbook) =>
              runbook.created >= from.toISOString().slice(0, 10) && runbook.created < to.toISOString().slice(0, 10),
          ).length,
    },
    quota: await deps.llm.quotaUsage(),
    snoozed: await deps.coordination.listScheduled(SNOOZE_QUEUE, 50),
    autonomyMode: config.autonomyMode,
  });
  const post = async (
    notice: { kind: 'notice'; title: string; body: string },
    key: string,
    channels: readonly string[] = chat.channels,
  ) => {
    await chat.outbox.enqueue({ channels, message: notice, dedupKey: key });
    chat.wake();
  };

  const logger = deps.logger.child({ component: 'schedules' });
  // The tools are looked up at each run: MCP servers connect (and reconnect) after the start.
  const toolsFor = (query: { id: string; tools: readonly string[] }) => {
    const tools = queryTools(query.tools, deps.mcp.tools(), deps.policy, (name, args) => deps.mcp.call(name, args));
    if (tools.withheld.length > 0)
      logger.warn({ schedule: query.id, withheld: tools.withheld }, 'scheduled query names tools it may not use');
    if (tools.offered.length === 0)
      logger.warn(
        { schedule: query.id, wanted: query.tools },
        'none of the scheduled query’s tools is available and read-only; it runs without tools',
      );
    return tools;
  };
  const scheduler = createScheduler({
    pool: deps.pool,
    timezone: config.timezone,
    logger,
    jobs: scheduledJobs(
      {
        pool: deps.pool,
        llm: deps.llm,
        post,
        channels: chat.channels,
        reportInputs,
        autonomyMode: config.autonomyMode,
        weeklyCron: config.weeklyReportCron,
        dailyCron: config.dailySummaryCron,
        toolsFor,
      },
      queries,
    ),
    async onFailure(job, slot, error) {
      await post(scheduleFailed(job.id, error.message), `schedule-failed:${job.id}:${slot.toISOString()}`);
    },
  });

  deps.commands.weekly = async () => {
    const to = new Date();
    return activityReport(
      { db: deps.pool, from: new Date(to.getTime() - 7 * 86_400_000), to, ...(await reportInputs()) },
      'weekly',
    );
  };

  const task = createPeriodicTask(
    async () => {
      await scheduler.tick();
      // On time, not up to a tick late: run just after the next slot when it comes before the next tick.
      const next = Math.min(...scheduler.nextRuns().map((run) => run.at?.getTime() ?? Infinity));
      task.wakeIn(Math.max(0, next - Date.now()) + 25);
    },
    { everyMs: deps.tickMs ?? 30_000, onError: (error) => logger.error({ err: error }, 'schedule tick failed') },
  );
  task.start();
  deps.shutdown.add('schedules', () => task.stop());
  logger.info(
    { jobs: scheduler.nextRuns().map((run) => `${run.job} next ${run.at?.toISOString() ?? 'never'}`) },
    'schedules started',
  );
  return scheduler;
}
