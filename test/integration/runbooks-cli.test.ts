import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runbooksCommand } from '../../bot/cli/runbooks-command.ts';
import { readConfig } from '../../bot/config/index.ts';
import { createAuditLog } from '../../bot/db/repositories/audit-log.ts';
import { createTestDatabase, databaseBackends, useMigratedDatabase } from '../helpers/databases.ts';
import { repoRoot } from '../helpers/service-process.ts';

const run = promisify(execFile);

/** `steward runbooks …` as the owner types it, against a folder and a database. */
async function steward(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(repoRoot, 'bot/cli/steward.mjs'), 'runbooks', ...args],
      { env: { PATH: process.env.PATH, ...env } },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

function examplesCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-cli-runbooks-'));
  cpSync(path.join(repoRoot, 'runbooks/examples'), dir, { recursive: true });
  return dir;
}

describe('steward runbooks', { timeout: 120_000 }, () => {
  const database = useMigratedDatabase();
  const dir = examplesCopy();
  const on = (...args: string[]) => steward({ RUNBOOK_DIR: dir, DATABASE_URL: database.url }, ...args);
  /** The same command in this process (no loader start-up per call): what it prints and its exit code. */
  const inProcess = async (verb: string, ...args: string[]): Promise<{ code: number; out: string }> => {
    let out = '';
    const code = await runbooksCommand(
      readConfig({ RUNBOOK_DIR: dir, DATABASE_URL: database.url }),
      {},
      verb,
      args,
      (text) => (out += text),
    );
    return { code, out };
  };
  /** The runbook file by its name (the examples' names are not always their ids). */
  const file = (name: string) => readFileSync(path.join(dir, `${name}.yaml`), 'utf8');
  const audited = () => createAuditLog(database.pool).list({ action: 'runbook.*' });

  it('lists under a header, shows and validates the examples', async () => {
    const listed = await on('list');
    expect(listed.code).toBe(0);
    const lines = listed.out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^RUNBOOK +LEVEL +ALERT +SOLUTIONS \(worked\/chosen\)$/);
    expect(lines.find((line) => line.startsWith('radarr-memory-pressure-001'))).toMatch(
      /^radarr-memory-pressure-001 +ask_human +HighMemory +increase_memory 4\/4$/,
    );
    // Columns line up under the header.
    expect(lines.map((line) => line.indexOf(line.includes('LEVEL') ? 'LEVEL' : 'ask_human'))).toEqual(
      Array(6).fill(lines[0]!.indexOf('LEVEL')),
    );
    expect((await on('show', 'pod-crash-loop')).out).toContain('action: k8s.restart_pod');
    expect(await on('validate')).toMatchObject({ code: 0, out: `5 runbook(s) valid in ${dir}\n` });
  });

  it('warns, while still valid, about a runbook an alert could aim anywhere: one that will always ask', async () => {
    const loose = mkdtempSync(path.join(os.tmpdir(), 'steward-cli-loose-'));
    writeFileSync(
      path.join(loose, 'restart-anything.yaml'),
      [
        'id: restart-anything',
        'created: 2026-12-02',
        'trigger: { alertname: KubePodCrashLooping, labels: { pod: ".*" } }',
        'solutions:',
        '  - { id: restart, description: Restart it, action: restart_pod, args: { name: "{{labels.pod}}", namespace: "{{labels.namespace}}" } }',
        'automation_level: auto_notify',
        '',
      ].join('\n'),
    );
    let out = '';
    const code = await runbooksCommand(readConfig({ RUNBOOK_DIR: loose }), {}, 'validate', [], (text) => (out += text));
    expect(code).toBe(0);
    expect(out).toBe(
      `warning: ${path.join(loose, 'restart-anything.yaml')}: restart-anything/restart: its arguments use labels.namespace, labels.pod, which the trigger does not pin; it will always ask, even promoted\n1 runbook(s) valid in ${loose}\n`,
    );
  });

  it('says so when the folder is empty, or holds only invalid files', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'steward-cli-empty-'));
    expect(await steward({ RUNBOOK_DIR: empty }, 'list')).toMatchObject({
      code: 0,
      out: `no runbooks in ${empty} (Steward writes one when an approved fix works; examples: runbooks/examples/)\n`,
    });
    writeFileSync(path.join(empty, 'broken.yaml'), 'id: broken\n');
    expect(await steward({ RUNBOOK_DIR: empty }, 'list')).toMatchObject({
      code: 0,
      out: `no valid runbooks in ${empty}\n(1 invalid file(s): run \`steward runbooks validate\`)\n`,
    });
  });

  it('promotes the solution named, records it in the file and the audit log like a chat answer, and demotes', async () => {
    const promoted = await on('promote', 'nas-disk-filling-up', 'expand_volume');
    expect(promoted).toMatchObject({
      code: 0,
      out: 'nas-disk-filling-up: automation_level auto_notify (expand_volume runs on its own once AUTONOMY_MODE allows it; it is verbose, so Steward still asks)\n',
    });
    expect(file('disk-filling-up')).toMatch(/^automation_level: auto_notify\npromoted_solution: expand_volume$/m);
    expect((await inProcess('list')).out).toMatch(
      /^nas-disk-filling-up +auto_notify +\S+ +prune_completed \d+\/\d+, expand_volume \d+\/\d+ \(promoted\)$/m,
    );
    // The other solution, by name: the file follows.
    expect((await inProcess('promote', 'nas-disk-filling-up', 'prune_completed')).code).toBe(0);
    expect(file('disk-filling-up')).toContain('promoted_solution: prune_completed');

    const [second, first] = await audited();
    expect(first).toMatchObject({
      actor: os.userInfo().username,
      channel: 'cli',
      action: 'runbook.promote',
      subject: 'runbook:nas-disk-filling-up',
      outcome: 'auto_notify',
      details: { solution: 'expand_volume', previous: 'ask_human' },
    });
    expect(second).toMatchObject({
      action: 'runbook.promote',
      details: { solution: 'prune_completed', previous: 'auto_notify', previousSolution: 'expand_volume' },
    });

    expect(await inProcess('demote', 'nas-disk-filling-up')).toEqual({
      code: 0,
      out: 'nas-disk-filling-up: automation_level ask_human\n',
    });
    expect(file('disk-filling-up')).toContain('automation_level: ask_human');
    expect(file('disk-filling-up')).not.toContain('promoted_solution');
    expect((await audited())[0]).toMatchObject({
      channel: 'cli',
      action: 'runbook.demote',
      subject: 'runbook:nas-disk-filling-up',
      outcome: 'ask_human',
      details: { previous: 'auto_notify', previousSolution: 'prune_completed' },
    });
    // `steward audit` shows it like any other decision.
    const { stdout } = await run(
      process.execPath,
      [path.join(repoRoot, 'bot/cli/steward.mjs'), 'audit', '--channel', 'cli'],
      { env: { PATH: process.env.PATH, DATABASE_URL: database.url } },
    );
    expect(stdout.trim().split('\n')).toHaveLength(3);
    expect(stdout.split('\n')[0]).toMatch(/ \(cli\) {2}runbook\.demote {2}runbook:nas-disk-filling-up {2}ask_human$/);
  });

  it('promotes the only solution without its name, asks which one when there are several, and refuses what does not exist', async () => {
    const before = (await audited()).length;
    expect((await inProcess('promote', 'pod-crash-loop')).code).toBe(0);
    expect(file('pod-crash-loop')).toContain('promoted_solution: restart_pod');
    // In the database, where every replica reads levels from (docs/runbook-state.md).
    const stored = await database.pool.query('SELECT automation_level, promoted_solution FROM runbooks WHERE id = $1', [
      'pod-crash-loop',
    ]);
    expect(stored.rows[0]).toEqual({ automation_level: 'auto_notify', promoted_solution: 'restart_pod' });
    expect(await inProcess('promote', 'pod-crash-loop')).toEqual({
      code: 0,
      out: 'pod-crash-loop: already auto_notify with restart_pod; nothing changed\n',
    });
    expect(await inProcess('promote', 'nas-disk-filling-up')).toMatchObject({
      code: 1,
      out: 'runbook nas-disk-filling-up has 2 solutions: say which one runs on its own, e.g. steward runbooks promote nas-disk-filling-up prune_completed (it has prune_completed, expand_volume)\n',
    });
    expect(await inProcess('promote', 'pod-crash-loop', 'reboot')).toMatchObject({
      code: 1,
      out: 'runbook pod-crash-loop has no solution reboot (it has restart_pod)\n',
    });
    expect(await inProcess('demote', 'certificate-expiring')).toMatchObject({
      code: 0,
      out: 'certificate-expiring: already ask_human; nothing changed\n',
    });
    expect(await inProcess('show', 'nope')).toMatchObject({ code: 1, out: 'no runbook nope\n' });
    // One change, one entry: refusals and no-ops leave the audit log alone.
    expect((await audited()).length).toBe(before + 1);
  });

  it('changes nothing when the change cannot be audited', async () => {
    const fresh = await createTestDatabase(databaseBackends()[0]!.adminUrl!);
    try {
      const result = await steward({ RUNBOOK_DIR: dir, DATABASE_URL: fresh.url }, 'promote', 'certificate-expiring');
      expect(result).toMatchObject({
        code: 1,
        out: '',
        err: 'steward runbooks promote: this database has no audit log yet (start Steward once, or run `steward migrate`); nothing changed\n',
      });
      expect(file('certificate-expiring')).toContain('automation_level: ask_human');
      expect(file('certificate-expiring')).not.toContain('promoted_solution');
    } finally {
      await fresh.drop();
    }
  });

  it('names the file and line of an invalid runbook, a promoted solution that does not exist among them, and exits 1', async () => {
    writeFileSync(
      path.join(dir, 'broken.yaml'),
      'id: broken\ncreated: 2026-01-01\ntrigger: { alertname: X }\nsolutions: []\n',
    );
    writeFileSync(
      path.join(dir, 'wrong-promotion.yaml'),
      file('pod-crash-loop')
        .replace(/^id: .*$/m, 'id: wrong-promotion')
        .replace(/^promoted_solution: .*$/m, 'promoted_solution: reboot'),
    );
    const result = await on('validate');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${path.join(dir, 'broken.yaml')}:4: solutions: `);
    expect(result.out).toContain(`${path.join(dir, 'wrong-promotion.yaml')}:`);
    expect(result.out).toContain('promoted_solution: must be the id of one of its solutions (restart_pod)');
  });
});
