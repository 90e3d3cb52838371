import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Document } from 'yaml';
import { matchRunbooks, type AlertIdentity } from '../../runbooks/match-runbooks.ts';
import { recordOutcome } from '../../runbooks/learning.ts';
import { runbookSchema, type AutomationLevel, type Runbook } from '../../runbooks/runbook-schema.ts';
import type { Logger } from '../logging/index.ts';
import { readRunbookFolder, setBeside, writeAtomically, type RunbookProblem } from './runbook-folder.ts';

export type { RunbookProblem };

interface Loaded {
  file: string;
  document: Document;
  runbook: Runbook;
}

/** What the flows, the CLI and the reports use of the runbooks, whichever store holds them. */
export interface RunbookStore {
  load(): Promise<void>;
  list(): Runbook[];
  get(id: string): Runbook | undefined;
  fileOf(id: string): string | undefined;
  problems(): RunbookProblem[];
  match(alert: AlertIdentity): Runbook[];
  /** Follows changes made elsewhere: the folder (this store) or other replicas (the shared store). */
  watch(): void;
  /** Counts a choice of `solutionId` and whether it worked; returns the updated runbook. */
  recordOutcome(runbookId: string, solutionId: string, succeeded: boolean, at?: Date): Promise<Runbook | undefined>;
  setAutomationLevel(runbookId: string, level: AutomationLevel, solutionId?: string): Promise<Runbook | undefined>;
  create(runbook: Runbook, comment: string): Promise<Runbook>;
  close(): void | Promise<void>;
}

/**
 * The runbooks in RUNBOOK_DIR, one YAML file each. A bad file is reported with its path and line and
 * skipped; Steward never stops for one. Files are reloaded when they change. Writes go through the
 * `yaml` Document API (comments and order stay) to a temporary file that is then renamed, so a reader
 * never sees half a runbook.
 */
export function createRunbookStore(options: {
  dir: string;
  logger: Logger;
  /** Called after each write, with what changed (GitOps). */ changed?: (
    file: string,
    message: string,
  ) => Promise<void>;
}): RunbookStore {
  let loaded = new Map<string, Loaded>();
  let problems: RunbookProblem[] = [];
  let watcher: FSWatcher | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;

  async function load(): Promise<void> {
    const read = await readRunbookFolder(options.dir);
    loaded = new Map(
      read.files.map((entry) => [
        entry.runbook.id,
        { file: entry.file, document: entry.document, runbook: entry.runbook },
      ]),
    );
    problems = read.problems;
    for (const problem of problems) options.logger.warn(problem, 'runbook skipped');
    options.logger.info({ runbooks: loaded.size, skipped: problems.length, dir: options.dir }, 'runbooks loaded');
  }

  async function save(entry: Loaded, message: string): Promise<void> {
    const parsed = runbookSchema.parse(entry.document.toJS());
    await writeAtomically(entry.file, entry.document.toString());
    loaded.set(parsed.id, { ...entry, runbook: parsed });
    await announce(entry.file, message);
  }

  async function announce(file: string, message: string): Promise<void> {
    try {
      await options.changed?.(file, message);
    } catch (error) {
      options.logger.error({ err: error, file }, 'recording the runbook change failed');
    }
  }

  return {
    load,
    list: (): Runbook[] => [...loaded.values()].map((entry) => entry.runbook),
    get: (id: string): Runbook | undefined => loaded.get(id)?.runbook,
    fileOf: (id: string): string | undefined => loaded.get(id)?.file,
    problems: (): RunbookProblem[] => problems,
    match: (alert: AlertIdentity): Runbook[] =>
      matchRunbooks(
        [...loaded.values()].map((entry) => entry.runbook),
        alert,
      ),

    /** Reloads (debounced) whenever a file in the folder changes, is added or removed. */
    watch(): void {
      watcher = watch(options.dir, () => {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(
          () =>
            void load().catch((error: unknown) => options.logger.error({ err: error }, 'reloading runbooks failed')),
          200,
        );
      });
      watcher.on('error', (error) => options.logger.warn({ err: error }, 'watching the runbook folder failed'));
    },

    /** Counts a choice of `solutionId` and whether it worked; returns the updated runbook. */
    async recordOutcome(
      runbookId: string,
      solutionId: string,
      succeeded: boolean,
      at = new Date(),
    ): Promise<Runbook | undefined> {
      // Read-modify-write of this process's copy: fine for one process; replicas use the shared store.
      const entry = loaded.get(runbookId);
      const index = entry?.runbook.solutions.findIndex((solution) => solution.id === solutionId) ?? -1;
      if (!entry || index < 0) return undefined;
      const updated = recordOutcome(entry.runbook.solutions[index]!, succeeded, at);
      for (const field of ['human_selected', 'successes', 'failures', 'success_rate', 'last_used'] as const)
        entry.document.setIn(['solutions', index, field], updated[field]);
      await save(
        entry,
        `runbook(${runbookId}): ${solutionId} chosen, ${succeeded ? 'success' : 'failure'} ${updated.successes}/${updated.human_selected}`,
      );
      return loaded.get(runbookId)!.runbook;
    },

    /**
     * `ask_human` also forgets which solution was promoted; a level past it with `solutionId` names
     * the solution that runs alone (`promoted_solution`), without one it keeps what the file says.
     */
    async setAutomationLevel(
      runbookId: string,
      level: AutomationLevel,
      solutionId?: string,
    ): Promise<Runbook | undefined> {
      const entry = loaded.get(runbookId);
      if (!entry) return undefined;
      const previous = entry.document.clone();
      entry.document.set('automation_level', level);
      if (level === 'ask_human') entry.document.delete('promoted_solution');
      else if (solutionId !== undefined) setBeside(entry.document, 'automation_level', 'promoted_solution', solutionId);
      try {
        await save(
          entry,
          `runbook(${runbookId}): automation_level ${level}${level !== 'ask_human' && solutionId ? ` (${solutionId})` : ''}`,
        );
      } catch (error) {
        // Refused (an unknown solution) or not written: the runbook in memory stays as the file has it.
        entry.document = previous;
        throw error;
      }
      return loaded.get(runbookId)!.runbook;
    },

    /** Writes a new runbook learned from a fix; its id gets a number when taken. */
    async create(runbook: Runbook, comment: string): Promise<Runbook> {
      await mkdir(options.dir, { recursive: true });
      let id = runbook.id;
      for (let n = 2; loaded.has(id); n++) id = `${runbook.id}-${n}`;
      const document = new Document({ ...runbook, id });
      document.commentBefore = ` ${comment}`;
      const file = path.join(options.dir, `${id}.yaml`);
      await writeAtomically(file, document.toString());
      const parsed = runbookSchema.parse(document.toJS());
      loaded.set(id, { file, document, runbook: parsed });
      await announce(file, `runbook(${id}): ${comment.replace(/\.$/, '')}`);
      return parsed;
    },

    close(): void {
      clearTimeout(reloadTimer);
      watcher?.close();
    },
  };
}
