import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunbookStore } from '../../bot/runbooks/runbook-store.ts';
import { createSharedRunbookStore } from '../../bot/runbooks/shared-runbook-store.ts';
import type { Runbook } from '../../runbooks/runbook-schema.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { until } from '../helpers/until.ts';

const example = fileURLToPath(new URL('../../runbooks/examples/demo-pod-memory-leak.yaml', import.meta.url));
const ID = 'demo-pod-memory-leak';
const fileIn = (dir: string) => path.join(dir, `${ID}.yaml`);
const onDisk = (dir: string) => parse(readFileSync(fileIn(dir), 'utf8')) as Runbook;

/**
 * Which side wins between the database and a replica's runbook files (docs/runbook-state.md):
 * definitions from the files, counters from the database, a level changed by hand imported once, a
 * folder behind the database rewritten rather than imported.
 */
describe('runbook files and the database', () => {
  const database = useMigratedDatabase();
  const open: RunbookStore[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await database.pool.query('TRUNCATE runbooks CASCADE');
  });

  function replica(syncMs?: number): { store: RunbookStore; dir: string } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'steward-runbook-import-'));
    dirs.push(dir);
    const store = createSharedRunbookStore({
      dir,
      pool: database.pool,
      logger: silentLogger(),
      ...(syncMs ? { syncMs } : {}),
    });
    open.push(store);
    return { store, dir };
  }

  it('imports a trigger edited by hand on one replica and the other writes it to its own file; counters stay', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    await a.store.recordOutcome(ID, 'restart_pod', true);
    const b = replica(50);
    await b.store.load();
    b.store.watch();
    expect(onDisk(b.dir).solutions[0]!.successes).toBe(1);

    const edited = readFileSync(fileIn(a.dir), 'utf8').replace(
      'alertname: PodMemoryNearLimit',
      'alertname: PodMemoryHigh',
    );
    writeFileSync(fileIn(a.dir), edited);
    await a.store.load();
    expect(a.store.get(ID)!.trigger.alertname).toBe('PodMemoryHigh');
    // The other replica learns of it by polling the database, and rewrites its own file.
    await until('replica b has the edit', () => b.store.get(ID)?.trigger.alertname === 'PodMemoryHigh');
    await until('replica b wrote it', () => onDisk(b.dir).trigger.alertname === 'PodMemoryHigh');
    expect(onDisk(b.dir).solutions[0]).toMatchObject({ human_selected: 1, successes: 1 });
    // The comment its author wrote stays in every copy.
    expect(readFileSync(fileIn(b.dir), 'utf8')).toContain('# The demo lab');
  });

  it('takes counters from the database, not from a file someone changed them in', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    await a.store.recordOutcome(ID, 'restart_pod', true);
    writeFileSync(fileIn(a.dir), readFileSync(fileIn(a.dir), 'utf8').replace('successes: 1', 'successes: 99'));
    await a.store.load();
    expect(a.store.get(ID)!.solutions[0]!.successes).toBe(1);
    expect(onDisk(a.dir).solutions[0]!.successes).toBe(1);
  });

  it('imports a level changed by hand once: Steward demoting it later is not undone by the file', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    const b = replica();
    await b.store.load();

    writeFileSync(
      fileIn(a.dir),
      readFileSync(fileIn(a.dir), 'utf8').replace(
        'automation_level: ask_human',
        'automation_level: auto_notify\npromoted_solution: restart_pod',
      ),
    );
    await a.store.load();
    const level = await database.pool.query('SELECT automation_level, promoted_solution FROM runbooks WHERE id = $1', [
      ID,
    ]);
    expect(level.rows[0]).toEqual({ automation_level: 'auto_notify', promoted_solution: 'restart_pod' });

    // A failure demotes it on the other replica; the first one's file follows and stays demoted.
    await b.store.load();
    await b.store.setAutomationLevel(ID, 'ask_human');
    await a.store.load();
    await a.store.load();
    expect(a.store.get(ID)!.automation_level).toBe('ask_human');
    expect(onDisk(a.dir).automation_level).toBe('ask_human');
    expect(onDisk(a.dir).promoted_solution).toBeUndefined();
  });

  it('rewrites a file that is only behind the database (an older revision), never importing it', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    const before = readFileSync(fileIn(a.dir), 'utf8');
    await a.store.setAutomationLevel(ID, 'auto_notify', 'restart_pod');

    // A second replica's folder restored from an old copy (or the image's seed): ask_human there.
    const b = replica();
    writeFileSync(fileIn(b.dir), before);
    await b.store.load();
    expect(b.store.get(ID)!.automation_level).toBe('auto_notify');
    expect(onDisk(b.dir).automation_level).toBe('auto_notify');
    const level = await database.pool.query('SELECT automation_level FROM runbooks WHERE id = $1', [ID]);
    expect(level.rows[0].automation_level).toBe('auto_notify');
  });

  it('leaves a file that does not parse alone, and reports it', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    writeFileSync(fileIn(a.dir), 'id: demo-pod-memory-leak\ntrigger: [unclosed\n');
    await a.store.load();
    expect(readFileSync(fileIn(a.dir), 'utf8')).toBe('id: demo-pod-memory-leak\ntrigger: [unclosed\n');
    expect(a.store.problems()).toHaveLength(1);
    // Still known from the database.
    expect(a.store.get(ID)?.id).toBe(ID);
  });

  it('gives a learned runbook a free id across replicas', async () => {
    const a = replica();
    copyFileSync(example, fileIn(a.dir));
    await a.store.load();
    const b = replica();
    const runbook = a.store.get(ID)!;
    // b has not synced yet: it does not know the id is taken, the database does.
    const created = await b.store.create({ ...runbook, automation_level: 'ask_human' }, 'Learned from incident #1.');
    expect(created.id).toBe(`${ID}-2`);
    expect(readFileSync(path.join(b.dir, `${ID}-2.yaml`), 'utf8')).toContain('# Learned from incident #1.');
  });
});
