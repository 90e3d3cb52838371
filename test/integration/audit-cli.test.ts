import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFilter, parseWhen } from '../../bot/cli/audit-command.ts';
import { createTestDatabase, databaseBackends, useMigratedDatabase } from '../helpers/databases.ts';
import { buildImageLayout } from '../helpers/compiled-build.ts';
import { repoRoot } from '../helpers/service-process.ts';

const run = promisify(execFile);

/** `steward audit …` as the owner types it, against a database with a known history. */
describe('steward audit', { timeout: 60_000 }, () => {
  const database = useMigratedDatabase();
  const stewardOn = async (url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> =>
    commandOn(path.join(repoRoot, 'bot/cli/steward.mjs'), url, ...args);
  const commandOn = async (
    command: string,
    url: string,
    ...args: string[]
  ): Promise<{ code: number; out: string; err: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [command, 'audit', ...args], {
        env: { PATH: process.env.PATH, DATABASE_URL: url },
      });
      return { code: 0, out: stdout, err: stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout, err: failed.stderr };
    }
  };
  const steward = (...args: string[]) => stewardOn(database.url, ...args);

  beforeAll(async () => {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await database.pool.query(
      `INSERT INTO audit_log (at, actor, channel, action, subject, outcome, details) VALUES
       ($1, '1a2b3c4d', 'signal', 'question.answer', 'incident:7', '1. Restart radarr-0', '{}'),
       ($2, 'steward', 'mcp', 'tool.run', 'incident:7', 'succeeded: restart_pod', '{"tool":"restart_pod"}'),
       ($3, 'mallory', 'signal', 'reply', '+4915199999999', 'refused: not an approver', '{"length":1}'),
       ($4, 'steward', 'autonomy', 'runbook.promote', 'runbook:pod_crash', 'auto_notify', '{}'),
       ($5, 'bob', 'mattermost', 'pull-request.merge', 'pr:home/infra#47', 'merged', '{}')`,
      [hoursAgo(200), hoursAgo(199), hoursAgo(30), hoursAgo(2), hoursAgo(1)],
    );
  });

  it('runs from the build where there are no sources, as in the Docker image, and tells its version there', async () => {
    const image = buildImageLayout();
    try {
      const fromSources = await steward('--json');
      const fromBuild = await commandOn(image.steward, database.url, '--json');
      expect(fromBuild.code).toBe(0);
      expect(fromBuild.out).toBe(fromSources.out);
      expect(JSON.parse(fromBuild.out.trim().split('\n')[0]!)).toMatchObject({
        actor: 'bob',
        action: 'pull-request.merge',
      });
      // The version comes from the package.json beside dist/ (the image's /app/package.json), not the checkout's.
      const manifest = path.join(image.root, 'package.json');
      writeFileSync(
        manifest,
        JSON.stringify({ ...(JSON.parse(readFileSync(manifest, 'utf8')) as object), version: '9.8.7-image' }),
      );
      expect(
        (await run(process.execPath, [image.steward, '--version'], { env: { PATH: process.env.PATH } })).stdout,
      ).toBe('9.8.7-image\n');
    } finally {
      image.remove();
    }
  }, 120_000);

  it('lists everything newest first, one line each', async () => {
    const all = await steward();
    expect(all.code).toBe(0);
    const lines = all.out.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}bob \(mattermost\) {2}pull-request\.merge {2}pr:home\/infra#47 {2}merged$/,
    );
    expect(lines[4]).toContain('1a2b3c4d (signal)  question.answer  incident:7  1. Restart radarr-0');
  });

  it('filters by time, actor, channel, action, subject and outcome, with * as a wildcard', async () => {
    expect((await steward('--since', '7d')).out.trim().split('\n')).toHaveLength(3);
    expect((await steward('--since', '7d', '--until', '12h')).out).toContain('refused: not an approver');
    expect((await steward('--since', '7d', '--until', '12h')).out.trim().split('\n')).toHaveLength(1);
    expect((await steward('--channel', 'signal')).out.trim().split('\n')).toHaveLength(2);
    expect((await steward('--actor', 'steward', '--action', 'tool.*')).out).toMatch(
      /steward \(mcp\) {2}tool\.run {2}incident:7 {2}succeeded: restart_pod\n$/,
    );
    expect((await steward('--subject', 'incident:*')).out.trim().split('\n')).toHaveLength(2);
    expect((await steward('--outcome', 'refused*')).out).toContain('mallory (signal)');
    // `_` is a literal, not LIKE's any-character.
    expect((await steward('--subject', 'runbook:pod_crash')).out.trim().split('\n')).toHaveLength(1);
    expect((await steward('--subject', 'runbook:pod_cras_')).out).toBe('no audit entries match\n');
    expect((await steward('--limit', '2')).out.trim().split('\n')).toHaveLength(2);
  });

  it('prints JSON lines with the details', async () => {
    const json = await steward('--action', 'tool.run', '--json');
    expect(
      json.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    ).toEqual([
      expect.objectContaining({
        actor: 'steward',
        channel: 'mcp',
        action: 'tool.run',
        outcome: 'succeeded: restart_pod',
        details: { tool: 'restart_pod' },
      }),
    ]);
  });

  it('names the option that is wrong and exits 2', async () => {
    const wrong = await steward('--since', 'last tuesday', '--limit', '0');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      '--since must be a duration back from now (30m, 12h, 7d, 2w) or an ISO date, not "last tuesday"',
    );
    expect(wrong.err).toContain('--limit must be a whole number from 1 to 10000, not "0"');
    expect(wrong.out).toBe('');
  });

  it('says what to do on a database Steward never ran on', async () => {
    const empty = await createTestDatabase(databaseBackends()[0]!.adminUrl!);
    try {
      expect(await stewardOn(empty.url)).toEqual({
        code: 1,
        out: '',
        err: 'steward audit: this database has no audit log yet (start Steward once, or run `steward migrate`)\n',
      });
    } finally {
      await empty.drop();
    }
  });

  it('reads durations and dates', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(parseWhen('2w', now)).toEqual(new Date('2026-11-09T12:00:00Z'));
    expect(parseWhen('2026-11-01', now)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(parseWhen('yesterday', now)).toBeUndefined();
    expect(auditFilter({ actor: 'x', limit: '5' }, now)).toEqual({ filter: { actor: 'x', limit: 5 } });
  });
});
