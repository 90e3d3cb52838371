import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { matchRunbooks, type AlertIdentity } from '../../runbooks/match-runbooks.ts';
import { recordOutcome } from '../../runbooks/learning.ts';
import { runbookSchema, type AutomationLevel, type Runbook } from '../../runbooks/runbook-schema.ts';
import type { Logger } from '../logging/index.ts';

export interface RunbookProblem {
  file: string;
  line: number | undefined;
  message: string;
}

interface Loaded {
  file: string;
  document: Document;
  runbook: Runbook;
}

/**
 * The runbooks in RUNBOOK_DIR, one YAML file each. A bad file is reported with its path and line and
 * skipped; Steward never stops for one. Files are reloaded when they change. Writes go through the
 * `yaml` Document API (comments and order stay) to a temporary file that is then renamed, so a reader
 * never sees half a runbook.
 */
export function createRunbookStore(options: { dir: string; logger: Logger; /** Called after each write, with what changed (GitOps). */ changed?: (file: string, message: string) => Promise<void> }) {
  let loaded = new Map<string, Loaded>();
  let problems: RunbookProblem[] = [];
  let watcher: FSWatcher | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;

  async function load(): Promise<void> {
    await mkdir(options.dir, { recursive: true });
    const files = (await readdir(options.dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
    const next = new Map<string, Loaded>();
    const found: RunbookProblem[] = [];
    for (const name of files) {
      const file = path.join(options.dir, name);
      const lines = new LineCounter();
      let document: Document;
      try {
        document = parseDocument(await readFile(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
      } catch (error) {
        found.push({ file, line: undefined, message: (error as Error).message });
        continue;
      }
      if (document.errors.length > 0) {
        const first = document.errors[0]!;
        found.push({ file, line: lines.linePos(first.pos[0]).line, message: first.message.split('\n')[0]! });
        continue;
      }
      const parsed = runbookSchema.safeParse(document.toJS());
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const node = document.getIn(issue.path as (string | number)[], true) as Node | undefined;
        const offset = node?.range?.[0] ?? (document.contents)?.range?.[0];
        found.push({ file, line: offset === undefined ? undefined : lines.linePos(offset).line, message: `${issue.path.join('.') || '(top level)'}: ${issue.message}` });
        continue;
      }
      if (next.has(parsed.data.id)) {
        found.push({ file, line: undefined, message: `id ${parsed.data.id} is also used by ${next.get(parsed.data.id)!.file}` });
        continue;
      }
      next.set(parsed.data.id, { file, document, runbook: parsed.data });
    }
    loaded = next;
    problems = found;
    for (const problem of found) options.logger.warn(problem, 'runbook skipped');
    options.logger.info({ runbooks: next.size, skipped: found.length, dir: options.dir }, 'runbooks loaded');
  }

  async function writeAtomically(file: string, text: string): Promise<void> {
    const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, file);
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
    match: (alert: AlertIdentity): Runbook[] => matchRunbooks([...loaded.values()].map((entry) => entry.runbook), alert),

    /** Reloads (debounced) whenever a file in the folder changes, is added or removed. */
    watch(): void {
      watcher = watch(options.dir, () => {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void load().catch((error: unknown) => options.logger.error({ err: error }, 'reloading runbooks failed')), 200);
      });
      watcher.on('error', (error) => options.logger.warn({ err: error }, 'watching the runbook folder failed'));
    },

    /** Counts a choice of `solutionId` and whether it worked; returns the updated runbook. */
    async recordOutcome(runbookId: string, solutionId: string, succeeded: boolean, at = new Date()): Promise<Runbook | undefined> {
      const entry = loaded.get(runbookId);
      const index = entry?.runbook.solutions.findIndex((solution) => solution.id === solutionId) ?? -1;
      if (!entry || index < 0) return undefined;
      const updated = recordOutcome(entry.runbook.solutions[index]!, succeeded, at);
      for (const field of ['human_selected', 'successes', 'failures', 'success_rate', 'last_used'] as const) entry.document.setIn(['solutions', index, field], updated[field]);
      await save(entry, `runbook(${runbookId}): ${solutionId} chosen, ${succeeded ? 'success' : 'failure'} ${updated.successes}/${updated.human_selected}`);
      return loaded.get(runbookId)!.runbook;
    },

    /**
     * `ask_human` also forgets which solution was promoted; a level past it with `solutionId` names
     * the solution that runs alone (`promoted_solution`), without one it keeps what the file says.
     */
    async setAutomationLevel(runbookId: string, level: AutomationLevel, solutionId?: string): Promise<Runbook | undefined> {
      const entry = loaded.get(runbookId);
      if (!entry) return undefined;
      const previous = entry.document.clone();
      entry.document.set('automation_level', level);
      if (level === 'ask_human') entry.document.delete('promoted_solution');
      else if (solutionId !== undefined) setBeside(entry.document, 'automation_level', 'promoted_solution', solutionId);
      try {
        await save(entry, `runbook(${runbookId}): automation_level ${level}${level !== 'ask_human' && solutionId ? ` (${solutionId})` : ''}`);
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

export type RunbookStore = ReturnType<typeof createRunbookStore>;

/** Sets `key`, placing it right after `after` when it is new (where a reader looks for it), not at the end. */
function setBeside(document: Document, after: string, key: string, value: string): void {
  const map = document.contents;
  const index = isMap(map) ? map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === after) : -1;
  if (document.has(key) || index < 0 || !isMap(map)) {
    document.set(key, value);
    return;
  }
  map.items.splice(index + 1, 0, document.createPair(key, value) as (typeof map.items)[number]);
}
