import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { Document } from 'yaml';
import { matchRunbooks, type AlertIdentity } from '../../runbooks/match-runbooks.ts';
import { runbookSchema, type AutomationLevel, type Runbook } from '../../runbooks/runbook-schema.ts';
import { countersOf, definitionDigest, fileStanding, withState } from '../../runbooks/runbook-state.ts';
import type { Pool } from '../db/pool.ts';
import {
  createRunbookStateRepository,
  type RunbookDefinition,
  type RunbookRow,
} from '../db/repositories/runbook-state.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';
import {
  parseRunbook,
  readRunbookFolder,
  setBeside,
  writeAtomically,
  type RunbookFile,
  type RunbookProblem,
} from './runbook-folder.ts';
import type { RunbookStore } from './runbook-store.ts';

interface Loaded {
  file: string;
  runbook: Runbook;
}

const counterFields = ['human_selected', 'successes', 'failures', 'success_rate', 'last_used'] as const;

/**
 * Runbooks shared by every replica through PostgreSQL (migration 013; docs/runbook-state.md).
 * Definitions come from the files; statistics and levels from the database, changed atomically
 * there. Each replica keeps RUNBOOK_DIR as a mirror: it writes each runbook's file from the database
 * and imports a file edited by hand (its definition, and its level once). It learns of the other
 * replicas' changes by reading the rows changed since the last it saw, every `syncMs`: no shared
 * volume, no `fs.watch`.
 */
export function createSharedRunbookStore(options: {
  dir: string;
  pool: Pool;
  logger: Logger;
  syncMs?: number;
  /** Called after each change this replica makes (GitOps). */ changed?: (
    file: string,
    message: string,
  ) => Promise<void>;
}): RunbookStore {
  const state = createRunbookStateRepository(options.pool);
  const rows = new Map<string, RunbookRow>();
  let seen = 0;
  let loaded = new Map<string, Loaded>();
  let problems: RunbookProblem[] = [];
  /** The text this replica last wrote to (or found in) each file: an unchanged file is not parsed again. */
  const written = new Map<string, string>();
  /** One sync or change at a time in this process; across replicas the database orders them. */
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  }

  /** The runbook the row describes, and its file's text: the stored YAML with the row's level and counters. */
  function compose(row: RunbookRow): { runbook: Runbook; text: string } {
    const parsed = parseRunbook(row.id, row.document) as RunbookFile;
    const runbook = withState(parsed.runbook, row);
    const document = parsed.document;
    if (parsed.runbook.automation_level !== runbook.automation_level)
      document.set('automation_level', runbook.automation_level);
    if (runbook.promoted_solution === undefined) document.delete('promoted_solution');
    else if (parsed.runbook.promoted_solution !== runbook.promoted_solution)
      setBeside(document, 'automation_level', 'promoted_solution', runbook.promoted_solution);
    runbook.solutions.forEach((solution, index) => {
      for (const field of counterFields) {
        // Only what differs from the stored text: a file nobody used stays as its author wrote it.
        if (solution[field] !== undefined && solution[field] !== parsed.runbook.solutions[index]![field])
          document.setIn(['solutions', index, field], solution[field]);
      }
    });
    return { runbook, text: document.toString() };
  }

  function definitionFrom(file: RunbookFile, text = file.text): RunbookDefinition {
    return {
      id: file.runbook.id,
      document: text,
      digest: definitionDigest(file.runbook),
      automation_level: file.runbook.automation_level,
      promoted_solution: file.runbook.promoted_solution,
      solutions: file.runbook.solutions.map((solution) => ({ id: solution.id, counters: countersOf(solution) })),
    };
  }

  async function pull(): Promise<void> {
    for (const row of await state.changedSince(seen)) {
      rows.set(row.id, row);
      seen = Math.max(seen, row.change);
    }
  }

  async function refresh(id: string): Promise<RunbookRow | undefined> {
    const row = await state.get(id);
    if (row) rows.set(id, row);
    return row;
  }

  /** A file that differs from what this replica last wrote: new, edited by hand, or behind the database. */
  async function importFile(entry: RunbookFile): Promise<void> {
    const row = rows.get(entry.runbook.id);
    const digest = definitionDigest(entry.runbook);
    const standing = fileStanding(
      digest,
      row && { digest: row.digest, revisions: row.digest === digest ? new Set() : await state.revisions(row.id) },
    );
    let imported = false;
    if (standing === 'new') imported = await state.insert(definitionFrom(entry));
    else if (standing === 'edited') imported = await state.importEdit(definitionFrom(entry), row!.digest);
    else if (
      standing === 'current' &&
      isDeepStrictEqual(withState(entry.runbook, row!), entry.runbook) &&
      entry.text !== compose(row!).text
    ) {
      // Same definition, level and counters: only comments or layout changed. Keep the person's text.
      imported = await state.importEdit(definitionFrom(entry), row!.digest);
    }
    // Not imported: another replica was first (both saw a new file in a shared folder). Take its row.
    const now = await refresh(entry.runbook.id);
    if (!imported) {
      // (Unless that other replica imported this very edit, from a folder both share.)
      if (standing === 'edited' && now?.digest !== digest)
        options.logger.warn(
          { file: entry.file, runbook: entry.runbook.id },
          'runbook edit not imported: the runbook changed in the database meanwhile; the file is rewritten, edit it again',
        );
      return;
    }
    options.logger.info({ file: entry.file, runbook: entry.runbook.id, standing }, 'runbook imported from its file');
    if (standing !== 'current')
      await announce(
        entry.file,
        `runbook(${entry.runbook.id}): ${standing === 'new' ? 'added' : 'edited'} by hand, imported`,
      );
  }

  /** Database first, then the folder: imports what people changed, writes what the database changed. */
  async function sync(): Promise<void> {
    await pull();
    const read = await readRunbookFolder(options.dir);
    const fileOf = new Map(read.files.map((entry) => [entry.runbook.id, entry]));
    for (const entry of read.files) {
      if (written.get(entry.file) !== entry.text) await importFile(entry);
    }
    const invalid = new Set(read.problems.map((problem) => problem.file));
    for (const problem of read.problems)
      if (!problems.some((known) => known.file === problem.file && known.message === problem.message))
        options.logger.warn(problem, 'runbook skipped');
    problems = read.problems;
    const next = new Map<string, Loaded>();
    for (const row of rows.values()) {
      const onDisk = fileOf.get(row.id);
      const file = onDisk?.file ?? path.join(options.dir, `${row.id}.yaml`);
      const composed = compose(row);
      next.set(row.id, { file, runbook: composed.runbook });
      // A file that does not parse is someone's edit in progress: left alone until it does.
      if (invalid.has(file)) continue;
      if (onDisk?.text !== composed.text) await writeAtomically(file, composed.text);
      written.set(file, composed.text);
    }
    loaded = next;
  }

  /** After a change this replica made: its file now, and the commit (RUNBOOK_GIT). */
  async function publish(row: RunbookRow, message: string): Promise<Runbook> {
    const composed = compose(row);
    const file = loaded.get(row.id)?.file ?? path.join(options.dir, `${row.id}.yaml`);
    await writeAtomically(file, composed.text);
    written.set(file, composed.text);
    loaded.set(row.id, { file, runbook: composed.runbook });
    await announce(file, message);
    return composed.runbook;
  }

  async function announce(file: string, message: string): Promise<void> {
    try {
      await options.changed?.(file, message);
    } catch (error) {
      options.logger.error({ err: error, file }, 'recording the runbook change failed');
    }
  }

  const poller = createPeriodicTask(() => serial(sync), {
    everyMs: options.syncMs ?? 5_000,
    runAtStart: false,
    onError: (error) => options.logger.warn({ err: error }, 'syncing runbooks with the database failed; retrying'),
  });

  return {
    load: async () => {
      await serial(sync);
      options.logger.info({ runbooks: loaded.size, skipped: problems.length, dir: options.dir }, 'runbooks loaded');
    },
    list: () => [...loaded.values()].map((entry) => entry.runbook),
    get: (id) => loaded.get(id)?.runbook,
    fileOf: (id) => loaded.get(id)?.file,
    problems: () => problems,
    match: (alert: AlertIdentity) =>
      matchRunbooks(
        [...loaded.values()].map((entry) => entry.runbook),
        alert,
      ),
    watch: () => poller.start(),

    recordOutcome: (runbookId: string, solutionId: string, succeeded: boolean, at = new Date()) =>
      serial(async () => {
        if (!loaded.get(runbookId)?.runbook.solutions.some((solution) => solution.id === solutionId)) return undefined;
        const row = await state.recordOutcome(runbookId, solutionId, succeeded, at.toISOString().slice(0, 10));
        if (!row) return undefined;
        rows.set(row.id, row);
        const counters = row.counters.get(solutionId)!;
        return publish(
          row,
          `runbook(${runbookId}): ${solutionId} chosen, ${succeeded ? 'success' : 'failure'} ${counters.successes}/${counters.human_selected}`,
        );
      }),

    /**
     * `ask_human` also forgets which solution was promoted; a level past it with `solutionId` names
     * the solution that runs alone, without one it keeps the promoted one. An unknown solution throws.
     */
    setAutomationLevel: (runbookId: string, level: AutomationLevel, solutionId?: string) =>
      serial(async () => {
        const current = loaded.get(runbookId)?.runbook;
        if (!current) return undefined;
        const promoted = level === 'ask_human' ? undefined : (solutionId ?? current.promoted_solution);
        const candidate = runbookSchema.parse({ ...current, automation_level: level, promoted_solution: promoted });
        const row = await state.setLevel(runbookId, level, promoted, definitionDigest(candidate));
        if (!row) return undefined;
        rows.set(row.id, row);
        return publish(
          row,
          `runbook(${runbookId}): automation_level ${level}${level !== 'ask_human' && solutionId ? ` (${solutionId})` : ''}`,
        );
      }),

    /** Stores a new runbook learned from a fix; its id gets a number when taken, on any replica. */
    create: (runbook: Runbook, comment: string) =>
      serial(async () => {
        for (let n = 1; ; n++) {
          const id = n === 1 ? runbook.id : `${runbook.id}-${n}`;
          if (rows.has(id)) continue;
          const document = new Document({ ...runbook, id });
          document.commentBefore = ` ${comment}`;
          const parsed = parseRunbook(id, document.toString()) as RunbookFile;
          if (!(await state.insert(definitionFrom(parsed)))) {
            await refresh(id);
            continue;
          }
          const row = (await refresh(id))!;
          return publish(row, `runbook(${id}): ${comment.replace(/\.$/, '')}`);
        }
      }),

    close: () => poller.stop(),
  };
}
