import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Runbook } from '../../runbooks/runbook-schema.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = path.join(root, 'runbooks/examples/demo-pod-memory-leak.yaml');
const RUNBOOK = 'demo-pod-memory-leak';
const SOLUTION = 'restart_pod';
const PER_REPLICA = 40;

interface Replica {
  dir: string;
  ask(message: Record<string, unknown>): Promise<{ error?: string; runbook?: Runbook; file?: string }>;
  process: ChildProcess;
}

/** A replica in its own Node process (test/helpers/runbook-replica.ts), with its own runbook folder. */
async function startReplica(url: string, dir: string): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'test/helpers/runbook-replica.ts'), url, dir],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  type Answer = { error?: string; runbook?: Runbook; file?: string };
  const waiting = new Map<number, (answer: Answer) => void>();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.on('message', (message: Answer & { id?: number; ready?: boolean }) => {
    if (message.ready) ready();
    else waiting.get(message.id!)?.(message);
  });
  const exited = once(child, 'exit').then(() => {
    throw new Error('the replica process exited');
  });
  await Promise.race([started, exited]);
  let next = 0;
  return {
    dir,
    process: child,
    ask: (message) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        child.send({ ...message, id });
      }),
  };
}

/**
 * Runbook state shared by replicas through PostgreSQL: three processes, each with its own folder (no
 * shared volume), record outcomes for one runbook at the same moment, and no outcome is lost.
 */
describe('runbook statistics across three replica processes', () => {
  const database = useMigratedDatabase();
  const replicas: Replica[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    // A replica left running by a failed test is stopped before its folder goes.
    await Promise.all(
      replicas
        .filter((replica) => replica.process.exitCode === null && replica.process.signalCode === null)
        .map(async (replica) => {
          const exited = once(replica.process, 'exit');
          replica.process.kill();
          await exited;
        }),
    );
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('counts every outcome recorded concurrently by three processes, and each replica and file ends with the totals', async () => {
    for (let n = 0; n < 3; n++) dirs.push(mkdtempSync(path.join(os.tmpdir(), `steward-replica-${n}-`)));
    // The runbook is in the first replica's folder only: it is imported from there, and the others get it from the database.
    copyFileSync(example, path.join(dirs[0]!, 'demo-pod-memory-leak.yaml'));
    replicas.push(await startReplica(database.url, dirs[0]!));
    replicas.push(...(await Promise.all([startReplica(database.url, dirs[1]!), startReplica(database.url, dirs[2]!)])));
    for (const replica of replicas)
      expect((await replica.ask({ kind: 'get', runbook: RUNBOOK })).runbook?.id).toBe(RUNBOOK);

    // Replica k fails every (k + 2)th outcome: the totals say whether every single one was counted.
    const outcomes = replicas.map((_, k) => Array.from({ length: PER_REPLICA }, (_, i) => i % (k + 2) !== 0));
    const answers = await Promise.all(
      replicas.map((replica, k) =>
        replica.ask({ kind: 'record', runbook: RUNBOOK, solution: SOLUTION, outcomes: outcomes[k] }),
      ),
    );
    for (const answer of answers) expect(answer.error).toBeUndefined();

    const successes = outcomes.flat().filter(Boolean).length;
    const failures = outcomes.flat().length - successes;
    const stored = await database.pool.query(
      'SELECT human_selected, successes, failures FROM runbook_solutions WHERE runbook_id = $1 AND solution_id = $2',
      [RUNBOOK, SOLUTION],
    );
    expect(stored.rows[0]).toEqual({ human_selected: 3 * PER_REPLICA, successes, failures });
    expect(successes).toBe(20 + 26 + 30);

    for (const replica of replicas) {
      expect((await replica.ask({ kind: 'sync' })).error).toBeUndefined();
      const { runbook, file } = await replica.ask({ kind: 'get', runbook: RUNBOOK });
      expect(runbook!.solutions[0]).toMatchObject({
        human_selected: 3 * PER_REPLICA,
        successes,
        failures,
        success_rate: Math.round((successes / (3 * PER_REPLICA)) * 1000) / 1000,
      });
      // Each replica's own file says the same, written from the database.
      expect(path.dirname(file!)).toBe(replica.dir);
      const written = parse(readFileSync(file!, 'utf8')) as Runbook;
      expect(written.solutions[0]).toMatchObject({ human_selected: 3 * PER_REPLICA, successes, failures });
    }
    for (const replica of replicas) await replica.ask({ kind: 'close' });
  }, 120_000);
});
