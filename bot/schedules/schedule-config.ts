import { z } from 'zod';
import { ConfigError } from '../config/index.ts';
import { aliasNames } from '../llm/route-request.ts';
import { cronProblem } from './scheduler.ts';

const scheduleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes' }),
    schedule: z.string().min(1),
    prompt: z.string().min(1),
    delivery: z.enum(['signal', 'mattermost', 'all']).default('all'),
    model: z.enum(aliasNames).optional(),
    /** Read-only MCP tools (names or globs) the query may call to gather facts. */
    tools: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type ScheduledQuery = z.infer<typeof scheduleSchema>;

/** `schedules` in STEWARD_CONFIG: each entry checked, its cron parsed, ids unique; errors name the entry and field. */
export function readSchedules(section: unknown, timezone?: string): ScheduledQuery[] {
  const parsed = z.array(scheduleSchema).safeParse(section ?? []);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: 'STEWARD_CONFIG',
        message: `schedules.${issue.path.join('.')}: ${issue.message}`,
      })),
    );
  const problems: { variable: string; message: string }[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((entry, index) => {
    const problem = cronProblem(entry.schedule, timezone);
    if (problem) problems.push({ variable: 'STEWARD_CONFIG', message: `schedules.${index}.schedule: ${problem}` });
    if (seen.has(entry.id))
      problems.push({ variable: 'STEWARD_CONFIG', message: `schedules.${index}.id: "${entry.id}" is used twice` });
    seen.add(entry.id);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}
