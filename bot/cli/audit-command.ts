import { parseDuration } from '../../graphs/durations.ts';
import type { Config, Env } from '../config/index.ts';
import { openDatabase } from '../db/open-database.ts';
import { createAuditLog, type AuditFilter, type AuditRecord } from '../db/repositories/audit-log.ts';
import { createRuntimeLogging } from '../runtime/runtime-logging.ts';

export interface AuditOptions {
  since?: string;
  until?: string;
  actor?: string;
  channel?: string;
  action?: string;
  subject?: string;
  outcome?: string;
  limit?: string;
  json?: boolean;
}

/** `7d`, `12h`, `30m`, `2w` back from now (graphs/durations.ts rules), or an ISO date or time. */
export function parseWhen(text: string, now = new Date()): Date | undefined {
  const relative = parseDuration(text);
  if (relative !== undefined) return new Date(now.getTime() - relative);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The filter the options describe, or the problems with them, each naming its option. */
export function auditFilter(options: AuditOptions, now = new Date()): { filter: AuditFilter } | { problems: string[] } {
  const problems: string[] = [];
  const filter: AuditFilter = {};
  for (const key of ['since', 'until'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const when = parseWhen(value, now);
    if (when) filter[key] = when;
    else problems.push(`--${key} must be a duration back from now (30m, 12h, 7d, 2w) or an ISO date, not "${value}"`);
  }
  if (options.limit !== undefined) {
    const limit = Number(options.limit);
    if (Number.isInteger(limit) && limit >= 1 && limit <= 10_000) filter.limit = limit;
    else problems.push(`--limit must be a whole number from 1 to 10000, not "${options.limit}"`);
  }
  for (const key of ['actor', 'channel', 'action', 'subject', 'outcome'] as const) {
    if (options[key] !== undefined) filter[key] = options[key];
  }
  return problems.length > 0 ? { problems } : { filter };
}

export function formatAudit(records: readonly AuditRecord[]): string {
  if (records.length === 0) return 'no audit entries match\n';
  const lines = records.map((record) =>
    [
      record.at.toISOString().replace('T', ' ').slice(0, 19),
      `${record.actor} (${record.channel})`,
      record.action,
      record.subject ?? '-',
      record.outcome,
    ].join('  '),
  );
  return `${lines.join('\n')}\n`;
}

/** `steward audit`: who decided what, through which channel, when, and what came of it; newest first. */
export async function auditCommand(config: Config, env: Env, options: AuditOptions): Promise<number> {
  const parsed = auditFilter(options);
  if ('problems' in parsed) {
    process.stderr.write(`steward audit: ${parsed.problems.join('; ')}\n`);
    return 2;
  }
  const { logger, redactor } = createRuntimeLogging({ ...config, logLevel: 'warn' }, env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, redactor });
  try {
    const records = await createAuditLog(database.pool).list(parsed.filter);
    process.stdout.write(
      options.json
        ? `${records.map((record) => JSON.stringify(record)).join('\n')}${records.length > 0 ? '\n' : ''}`
        : formatAudit(records),
    );
    return 0;
  } catch (error) {
    const missing = (error as { code?: string }).code === '42P01';
    process.stderr.write(
      `steward audit: ${missing ? 'this database has no audit log yet (start Steward once, or run `steward migrate`)' : (error as Error).message}\n`,
    );
    return 1;
  } finally {
    await database.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}
