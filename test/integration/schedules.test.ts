import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { activityReport } from '../../bot/reports/activity-report.ts';
import { readSchedules } from '../../bot/schedules/schedule-config.ts';
import { scheduledJobs } from '../../bot/schedules/scheduled-jobs.ts';
import { createScheduler, type ScheduledJob } from '../../bot/schedules/scheduler.ts';
import type { OutgoingNotice } from '../../graphs/chat-port.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Schedules and reports with a controllable clock on real PostgreSQL: each slot fires once across
 * replicas, missed slots after downtime run once, a failure is said once and not retried in a loop,
 * and the weekly report's figures come from a seeded history.
 */
describe('schedules and reports', () => {
  const database = useMigratedDatabase();

  /** A job that counts its runs, on a clock the test moves. */
  function harness(
    id: string,
    cron: string,
    start: string,
    behaviour: (slot: Date) => Promise<void> = () => Promise.resolve(),
  ) {
    let now = new Date(start);
    const runs: string[] = [];
    const failures: string[] = [];
    const job: ScheduledJob = {
      id,
      cron,
      async run(slot) {
        runs.push(slot.toISOString());
        await behaviour(slot);
      },
    };
    const replica = () =>
      createScheduler({
        pool: database.pool,
        jobs: [job],
        timezone: 'Europe/Berlin',
        logger: silentLogger(),
        now: () => now,
        onFailure: (failed, slot, error) =>
          Promise.resolve(void failures.push(`${failed.id} ${slot.toISOString()} ${error.message}`)),
      });
    return { runs, failures, replica, at: (iso: string) => (now = new Date(iso)) };
  }

  it('fires once per slot in TZ, not for slots before it existed, and once across two replicas', async () => {
    const clock = harness('weekly-a', '0 9 * * 1', '2026-11-20T12:00:00Z'); // a Friday
    const [one, two] = [clock.replica(), clock.replica()];
    expect(await one.tick()).toEqual([]); // the Monday before it existed does not count
    clock.at('2026-11-23T07:59:00Z');
    expect(await one.tick()).toEqual([]);
    clock.at('2026-11-23T08:00:30Z'); // 09:00 in Berlin
    const results = await Promise.all([one.tick(), two.tick(), one.tick()]);
    expect(results.flat()).toEqual([{ job: 'weekly-a', slot: new Date('2026-11-23T08:00:00Z'), ok: true }]);
    expect(clock.runs).toEqual(['2026-11-23T08:00:00.000Z']);
    expect(await two.tick()).toEqual([]);
  });

  it('runs once after downtime, not once per missed slot', async () => {
    const clock = harness('weekly-b', '0 9 * * 1', '2026-11-23T09:00:00Z');
    const scheduler = clock.replica();
    await scheduler.tick();
    clock.at('2026-12-15T10:00:00Z'); // three Mondays missed
    await scheduler.tick();
    await scheduler.tick();
    expect(clock.runs).toEqual(['2026-12-14T08:00:00.000Z']);
  });

  it('reports a failure once and does not retry it until the next slot', async () => {
    let fail = true;
    const clock = harness('schedule:flaky', '0 * * * *', '2026-11-23T09:30:00Z', () =>
      fail ? Promise.reject(new Error('no model was available')) : Promise.resolve(),
    );
    const scheduler = clock.replica();
    await scheduler.tick();
    clock.at('2026-11-23T10:00:05Z');
    expect((await scheduler.tick()).map((run) => run.ok)).toEqual([false]);
    expect(await scheduler.tick()).toEqual([]);
    expect(clock.failures).toEqual(['schedule:flaky 2026-11-23T10:00:00.000Z no model was available']);
    expect(
      (await database.pool.query("SELECT status, error FROM scheduled_runs WHERE job = 'schedule:flaky'")).rows,
    ).toEqual([{ status: 'failed', error: 'no model was available' }]);
    fail = false;
    clock.at('2026-11-23T11:00:05Z');
    expect((await scheduler.tick()).map((run) => run.ok)).toEqual([true]);
    expect(clock.runs).toHaveLength(2);
  });

  it('sends a scheduled query\u2019s answer to its delivery channel, and names a bad entry', async () => {
    const posted: { notice: OutgoingNotice; key: string; channels: readonly string[] | undefined }[] = [];
    const asked: string[] = [];
    const queries = readSchedules([
      {
        id: 'security-review',
        schedule: '0 8 * * 6',
        prompt: 'Any CVEs in my stack this week?',
        delivery: 'mattermost',
        model: 'claude-sonnet',
      },
    ]);
    const jobs = scheduledJobs(
      {
        pool: database.pool,
        llm: {
          ask: (request) => {
            asked.push(`${request.forced} ${request.task}`);
            return Promise.resolve({
              ok: true,
              alias: 'claude-sonnet',
              model: 'claude-sonnet',
              value: 'Nothing critical.' as never,
              text: 'Nothing critical.',
              attempts: [],
            });
          },
        },
        post: (notice, key, channels) => Promise.resolve(void posted.push({ notice, key, channels })),
        channels: ['signal', 'mattermost'],
        reportInputs: () =>
          Promise.resolve({ runbooks: { total: 0, createdBetween: () => 0 }, autonomyMode: 'learning' }),
        autonomyMode: 'learning',
        weeklyCron: '0 9 * * 1',
        dailyCron: '0 9 * * *',
      },
      queries,
    );
    expect(jobs.map((job) => job.id)).toEqual(['weekly-report', 'schedule:security-review']); // no daily summary past verbose
    await jobs[1]!.run(new Date('2026-11-28T07:00:00Z'));
    expect(asked).toEqual(['claude-sonnet Any CVEs in my stack this week?']);
    expect(posted).toEqual([
      {
        notice: { kind: 'notice', title: '🗓 security-review', body: '│ Nothing critical.' },
        key: 'schedule:security-review:2026-11-28T07:00:00.000Z',
        channels: ['mattermost'],
      },
    ]);

    expect(() => readSchedules([{ id: 'x', schedule: 'every tuesday', prompt: 'p' }])).toThrow(
      /schedules\.0\.schedule/,
    );
    expect(() => readSchedules([{ id: 'x', schedule: '0 8 * * *', prompt: 'p', delivery: 'email' }])).toThrow(
      /schedules\.0\.delivery/,
    );
  });

  it('computes the weekly report from a seeded history', async () => {
    const db = new (await import('pg')).default.Pool({ connectionString: database.url, max: 2 });
    const week = { from: new Date('2026-11-16T08:00:00Z'), to: new Date('2026-11-23T08:00:00Z') };
    const at = (days: number) => new Date(week.from.getTime() + days * DAY);
    const incident = async (opened: Date, closeReason?: string) =>
      Number(
        (
          await db.query<{ id: string }>(
            "INSERT INTO incidents (source, external_key, title, opened_at, close_reason) VALUES ('alertmanager', $1, 'x', $2, $3) RETURNING id",
            [`w-${Math.random()}`, opened, closeReason ?? null],
          )
        ).rows[0]!.id,
      );
    const fixed = await incident(at(0.5));
    const auto = await incident(at(2.5));
    await incident(at(2.6), 'dismissed: 2. No, expected');
    await incident(at(9)); // next week: not counted
    const question = async (incidentId: number, created: Date) =>
      Number(
        (
          await db.query<{ id: string }>(
            "INSERT INTO questions (incident_id, kind, title, prompt, options, created_at, status) VALUES ($1, 'solution', 't', '', '[]', $2, 'answered') RETURNING id",
            [incidentId, created],
          )
        ).rows[0]!.id,
      );
    const q1 = await question(fixed, at(0.5));
    await db.query(
      'INSERT INTO decisions (question_id, answer, actor, channel, decided_at) VALUES ($1, \'{"kind":"option","option":1,"label":"Restart"}\', \'alice\', \'signal\', $2)',
      [q1, new Date(at(0.5).getTime() + 10 * 60_000)],
    );
    const q2 = await question(auto, at(2.5));
    await db.query(
      "INSERT INTO decisions (question_id, answer, actor, channel, decided_at) VALUES ($1, '{\"kind\":\"ignore\"}', 'bob', 'mattermost', $2)",
      [q2, new Date(at(2.5).getTime() + 20 * 60_000)],
    );
    await db.query(
      "INSERT INTO actions (incident_id, tool, trigger, status, started_at) VALUES ($1, 'restart_pod', 'approved', 'succeeded', $2), ($3, 'restart_pod', 'auto', 'succeeded', $4), ($3, 'scale_deployment', 'auto', 'failed', $4)",
      [fixed, at(0.6), auto, at(2.5)],
    );
    await db.query(
      'INSERT INTO suppressions (match_key, labels, until, created_at) VALUES (\'k\', \'{"alertname":"BackupRunning"}\', $1, $2)',
      [at(10), at(2.6)],
    );
    await db.query(
      "INSERT INTO audit_log (actor, channel, action, subject, outcome, at) VALUES ('steward', 'autonomy', 'runbook.demote', 'runbook:r', 'ask_human', $1), ('alice', 'signal', 'runbook.promote', 'runbook:r', 'auto_notify', $2), ('steward', 'flow', 'incident.suppressed', 'incident:9', 'not asked', $2)",
      [at(3), at(1)],
    );
    await db.query(
      "INSERT INTO llm_usage (purpose, alias, model, cost_usd, latency_ms, outcome, created_at) VALUES ('triage', 'gemini-flash', 'gemini-flash', 0.01, 100, 'ok', $1), ('solution', 'gemini-pro', 'gemini-pro', 0.25, 100, 'ok', $1), ('solution', 'gemini-pro', 'gemini-pro', 0.25, 100, 'ok', $1)",
      [at(1)],
    );
    const pr = (
      number: number,
      state: string,
      stage: string,
      fields: { merged_at?: Date; closed_at?: Date; deferred_until?: Date },
    ) =>
      db.query(
        "INSERT INTO pull_requests (repo, number, title, url, author, head_ref, head_sha, base_ref, state, stage, merged_at, closed_at, deferred_until) VALUES ('home/infra', $1, 't', 'u', 'renovate[bot]', 'renovate/x', 's', 'main', $2, $3, $4, $5, $6)",
        [number, state, stage, fields.merged_at ?? null, fields.closed_at ?? null, fields.deferred_until ?? null],
      );
    await pr(46, 'merged', 'merged', { merged_at: at(-3), closed_at: at(-3) }); // last week: not counted
    await pr(47, 'merged', 'merged', { merged_at: at(1), closed_at: at(1) });
    await pr(49, 'closed', 'rejected', { closed_at: at(2) });
    await pr(50, 'open', 'deferred', { deferred_until: at(9) });
    await pr(51, 'open', 'asked', {});
    // A certificate alert still firing: the report says what is coming; a resolved one is not mentioned.
    await db.query(
      `INSERT INTO alerts (incident_id, fingerprint, alertname, status, labels, annotations, first_seen) VALUES
       ($1, 'f1', 'SSLCertExpiringSoon', 'firing', '{"instance":"https://nas.home.arpa"}', '{"summary":"SSL certificate for https://nas.home.arpa expires in 6 days"}', $2),
       ($1, 'f2', 'CertManagerCertExpirySoon', 'resolved', '{"name":"grafana-tls"}', '{}', $2)`,
      [auto, at(4)],
    );

    const report = await activityReport(
      {
        db,
        ...week,
        runbooks: { total: 7, createdBetween: () => 2 },
        quota: [{ alias: 'claude-sonnet', week: 12, limit: { weekly: 100 } }],
        snoozed: [{ member: String(fixed), dueAt: at(8) }],
        autonomyMode: 'selective',
      },
      'weekly',
    );
    await db.end();
    expect(report.title).toBe('📈 Weekly report 2026-11-16 – 2026-11-23');
    expect(report.body.split('\n')).toEqual([
      'Actions: 2 auto-executed, 1 run with approval, 1 declined, 1 failed (commonest: restart_pod ×2, scale_deployment ×1)',
      'Anomalies: 3 detected, 2 acted on, 2 false positives (dismissed or expected)',
      'Runbooks: 2 new, 1 promoted, 1 demoted, 7 in all',
      'Time to answer: 15 min on average over 2 answers',
      'Learned to stay quiet about: BackupRunning',
      'LLM: gemini-pro 2 calls $0.50, gemini-flash 1 call $0.01',
      'Quota claude-sonnet: 12/100 this week',
      'Incidents per day: ▅▁█▁▁▁▁ (1 0 2 0 0 0 0)',
      `Waiting: 0 open questions; snoozed to come back: #${fixed}`,
      'Renovate PRs: 1 merged, 1 rejected; pending: PR #51; deferred, coming back: PR #50 on 2026-11-25',
      'Coming up: SSL certificate for https://nas.home.arpa expires in 6 days',
      'Autonomy mode: selective',
    ]);
    // The same counts as a PNG: bar heights in proportion (1 0 2 0 0 0 0), nothing drawn for empty days.
    expect(report.image).toMatchObject({
      filename: 'incidents-per-day.png',
      contentType: 'image/png',
      alt: expect.stringContaining('2026-11-18 2'),
    });
    const png = PNG.sync.read(Buffer.from(report.image!.base64, 'base64'));
    expect([png.width, png.height]).toEqual([640, 280]);
    const heights = Array.from({ length: 7 }, (_, day) => barHeight(png, Math.round(24 + (day + 0.5) * (592 / 7))));
    expect(heights[2]).toBeGreaterThan(150);
    expect(heights[0]! / heights[2]!).toBeCloseTo(0.5, 1);
    expect([heights[1], heights[3], heights[4], heights[5], heights[6]]).toEqual([0, 0, 0, 0, 0]);
  });
});

/** Pixels of the bar colour in one column of the chart. */
function barHeight(png: PNG, x: number): number {
  const [r, g, b] = [0x25, 0x63, 0xeb];
  let count = 0;
  for (let y = 0; y < png.height; y += 1) {
    const at = (y * png.width + x) * 4;
    if (Math.abs(png.data[at]! - r) < 8 && Math.abs(png.data[at + 1]! - g) < 8 && Math.abs(png.data[at + 2]! - b) < 8)
      count += 1;
  }
  return count;
}
