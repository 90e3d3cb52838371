import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import type { Config } from '../config/index.ts';
import { createRunbookGit } from '../runbooks/runbook-git.ts';
import { createRunbookStore, type RunbookStore } from '../runbooks/runbook-store.ts';

type Write = (text: string) => void;

/**
 * `steward runbooks list | show <id> | validate | promote <id> [solution] | demote <id>`: the runbook
 * folder as Steward sees it, and the owner's hand on promotion. Returns the exit code.
 */
export async function runbooksCommand(config: Pick<Config, 'runbookDir' | 'runbookGit'>, verb: string, args: string[], out: Write = (text) => process.stdout.write(text)): Promise<number> {
  const logger = pino({ level: 'silent' });
  const gitops = config.runbookGit ? createRunbookGit({ dir: config.runbookDir, logger }) : undefined;
  await gitops?.ensure();
  const store = createRunbookStore({ dir: config.runbookDir, logger, ...(gitops ? { changed: gitops.commit } : {}) });
  await store.load();
  switch (verb) {
    case 'list':
      return list(store, out);
    case 'show': {
      const file = store.fileOf(args[0] ?? '');
      if (!file) return missing(args[0], out);
      out(await readFile(file, 'utf8'));
      return 0;
    }
    case 'validate': {
      const problems = store.problems();
      for (const problem of problems) out(`${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
      out(problems.length === 0 ? `${store.list().length} runbook(s) valid in ${config.runbookDir}\n` : `${problems.length} file(s) invalid; ${store.list().length} valid\n`);
      return problems.length === 0 ? 0 : 1;
    }
    case 'promote':
    case 'demote': {
      const runbook = store.get(args[0] ?? '');
      if (!runbook) return missing(args[0], out);
      if (verb === 'promote' && args[1] && !runbook.solutions.some((solution) => solution.id === args[1])) {
        out(`runbook ${runbook.id} has no solution ${args[1]} (it has ${runbook.solutions.map((solution) => solution.id).join(', ')})\n`);
        return 1;
      }
      const level = verb === 'promote' ? 'auto_notify' : 'ask_human';
      await store.setAutomationLevel(runbook.id, level);
      out(`${runbook.id}: automation_level ${level}\n`);
      return 0;
    }
    default:
      out(`unknown verb ${verb}: use list, show, validate, promote or demote\n`);
      return 2;
  }
}

function list(store: RunbookStore, out: Write): number {
  for (const runbook of store.list()) {
    const solutions = runbook.solutions.map((solution) => `${solution.id} ${solution.successes}/${solution.human_selected}`).join(', ');
    out(`${runbook.id}  ${runbook.automation_level}  ${runbook.trigger.alertname}  ${solutions}\n`);
  }
  if (store.problems().length > 0) out(`(${store.problems().length} invalid file(s): run \`steward runbooks validate\`)\n`);
  return 0;
}

function missing(id: string | undefined, out: Write): number {
  out(id ? `no runbook ${id}\n` : 'which runbook? give its id\n');
  return 1;
}
