import type { Coordination } from '../coordination/index.ts';
import type { AliasName } from './route-request.ts';

export interface AliasQuota {
  daily: number;
  weekly: number;
  /** Warn once per period when this share of a limit is used (0.7 = 70%). */
  warnAt: number;
}

export const defaultQuotas: Partial<Record<AliasName, AliasQuota>> = {
  'claude-sonnet': { daily: 20, weekly: 100, warnAt: 0.7 },
  'claude-opus': { daily: 5, weekly: 20, warnAt: 0.5 },
};

export interface QuotaWarning {
  alias: AliasName;
  period: 'day' | 'week';
  used: number;
  limit: number;
}

export interface QuotaOptions {
  coordination: Coordination;
  limits?: Partial<Record<AliasName, AliasQuota>>;
  onWarning: (warning: QuotaWarning) => Promise<void>;
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Calls to the expensive aliases, counted per UTC day and ISO week in the coordination store (so
 * replicas share one count and a restart keeps it). A call is reserved before it is made: two
 * replicas can never both take the last one.
 */
export function createQuota(options: QuotaOptions) {
  const limits = options.limits ?? defaultQuotas;
  const now = options.now ?? (() => new Date());

  function keys(alias: AliasName) {
    const today = now();
    const day = today.toISOString().slice(0, 10);
    const monday = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - ((today.getUTCDay() + 6) % 7)),
    );
    const week = monday.toISOString().slice(0, 10);
    return { day: `llm-quota:${alias}:day:${day}`, week: `llm-quota:${alias}:week:${week}` };
  }

  return {
    limited: (alias: AliasName) => limits[alias] !== undefined,

    /** Aliases whose daily or weekly limit is used up. */
    async exhausted(): Promise<Set<AliasName>> {
      const out = new Set<AliasName>();
      for (const [alias, limit] of Object.entries(limits) as [AliasName, AliasQuota][]) {
        const key = keys(alias);
        const [day, week] = await Promise.all([
          options.coordination.readCounter(key.day),
          options.coordination.readCounter(key.week),
        ]);
        if (day >= limit.daily || week >= limit.weekly) out.add(alias);
      }
      return out;
    },

    /** Takes one call of `alias`; false when that would go over a limit. Unlimited aliases always pass. */
    async reserve(alias: AliasName): Promise<boolean> {
      const limit = limits[alias];
      if (!limit) return true;
      const key = keys(alias);
      const day = await options.coordination.increment(key.day, 2 * DAY_MS);
      const week = await options.coordination.increment(key.week, 8 * DAY_MS);
      if (day > limit.daily || week > limit.weekly) return false;
      for (const [period, used, max, periodKey] of [
        ['day', day, limit.daily, key.day],
        ['week', week, limit.weekly, key.week],
      ] as const) {
        if (
          used >= Math.ceil(max * limit.warnAt) &&
          (await options.coordination.claimOnce(`warned:${periodKey}`, period === 'day' ? 2 * DAY_MS : 8 * DAY_MS))
        ) {
          await options.onWarning({ alias, period, used, limit: max });
        }
      }
      return true;
    },

    /** Calls used per limited alias, for `status` and the weekly report. */
    async usage(): Promise<{ alias: AliasName; day: number; week: number; limit: AliasQuota }[]> {
      const rows = [];
      for (const [alias, limit] of Object.entries(limits) as [AliasName, AliasQuota][]) {
        const key = keys(alias);
        rows.push({
          alias,
          day: await options.coordination.readCounter(key.day),
          week: await options.coordination.readCounter(key.week),
          limit,
        });
      }
      return rows;
    },
  };
}

export type Quota = ReturnType<typeof createQuota>;
