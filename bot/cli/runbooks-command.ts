import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import type { Config, Env } from '../config/index.ts';
import { openDatabase } from '../db/open-database.ts';
import { unpinnedLabels } from '../../runbooks/pinned-labels.ts';
import { createRunbookGit, type RunbookGit } from '../runbooks/runbook-git.ts';
import { createRunbookStore, type RunbookStore } from '../runbooks/runbook-store.ts';
import { createSharedRunbookStore } from '../runbooks/shared-runbook-store.ts';
import { createRuntimeLogging } from '../runtime/runtime-logging.ts';
import { applyPromotion, commandActor, promotionRequest } from './runbook-promotion.ts';

type Write = (text: string) => void;

/**
 * `steward runbooks list | show <id> | validate | promote <id> [solution] | demote <id>`: the runbook
 * folder as Steward sees it, and the owner's hand on promotion. Only promote and demote open the
 * database: levels live there (docs/runbook-state.md), and the change is audited. Returns the exit code.
 */
export async function runbooksCommand(
  config: Config,
  env: Env,
  verb: string,
  args: string[],
  out: Write = (text) => process.stdout.write(text),
): Promise<number> {
  const logger = pino({ level: 'silent' });
  const gitops = config.runbookGit ? createRunbookGit({ dir: config.runbookDir, logger }) : undefined;
  await gitops?.ensure();
  const store = createRunbookStore({ dir: config.runbookDir, logger, ...(gitops ? { changed: gitops.commit } : {}) });
  await store.load();
  switch (verb) {
    case 'list':
      return list(store, config.runbookDir, out);
    case 'show': {
      const file = store.fileOf(args[0] ?? '');
      if (!file) return missing(args[0], out);
      out(await readFile(file, 'utf8'));
      return 0;
    }
    case 'validate': {
      const problems = store.problems();
      for (const problem of problems)
        out(`${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`);
      // Valid, but never able to run alone: an alert could aim its fix at what its trigger does not pin.
      for (const runbook of store.list()) {
        for (const solution of runbook.solutions) {
          const unpinned = unpinnedLabels(runbook, solution);
          if (unpinned.length > 0)
            out(
              `warning: ${store.fileOf(runbook.id)}: ${runbook.id}/${solution.id}: its arguments use ${unpinned.map((name) => `labels.${name}`).join(', ')}, which the trigger does not pin; it will always ask, even promoted\n`,
            );
        }
      }
      out(
        problems.length === 0
          ? `${store.list().length} runbook(s) valid in ${config.runbookDir}\n`
          : `${problems.length} file(s) invalid; ${store.list().length} valid\n`,
      );
      return problems.length === 0 ? 0 : 1;
    }
    case 'promote':
    case 'demote':
      return promoteOrDemote(config, env, gitops, verb, args, out);
    default:
      out(`unknown verb ${verb}: use list, show, validate, promote or demote\n`);
      return 2;
  }
}

/**
 * Through the database, where the service keeps runbook levels (docs/runbook-state.md): the change
 * reaches every replica, and this folder's file is written from it.
 */
async function promoteOrDemote(
  config: Config,
  env: Env,
  gitops: RunbookGit | undefined,
  verb: 'promote' | 'demote',
  args: string[],
  out: Write,
): Promise<number> {
  const { logger, redactor } = createRuntimeLogging({ ...config, logLevel: 'warn' }, env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, redactor });
  const store = createSharedRunbookStore({
    dir: config.runbookDir,
    pool: database.pool,
    logger,
    ...(gitops ? { changed: gitops.commit } : {}),
  });
  try {
    await store.load();
    const runbook = store.get(args[0] ?? '');
    if (!runbook) return missing(args[0], out);
    const request = promotionRequest(runbook, verb, args[1]);
    if (request.kind !== 'change') {
      out(request.message);
      return request.kind === 'unchanged' ? 0 : 1;
    }
    return await applyPromotion(request, {
      pool: database.pool,
      store,
      autonomyMode: config.autonomyMode,
      actor: commandActor(),
      out,
    });
  } catch (error) {
    const missingTable = (error as { code?: string }).code === '42P01';
    process.stderr.write(
      `steward runbooks ${verb}: ${missingTable ? 'this database has no audit log yet (start Steward once, or run `steward migrate`); nothing changed' : `${(error as Error).message}; nothing changed`}\n`,
    );
    return 1;
  } finally {
    await store.close();
    await database.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

function list(store: RunbookStore, dir: string, out: Write): number {
  const runbooks = store.list();
  const invalid = store.problems().length;
  if (runbooks.length === 0) {
    out(
      invalid > 0
        ? `no valid runbooks in ${dir}\n`
        : `no runbooks in ${dir} (Steward writes one when an approved fix works; examples: runbooks/examples/)\n`,
    );
  } else {
    const rows = runbooks.map((runbook) => [
      runbook.id,
      runbook.automation_level,
      runbook.trigger.alertname,
      runbook.solutions
        .map(
          (solution) =>
            `${solution.id} ${solution.successes}/${solution.human_selected}${solution.id === runbook.promoted_solution ? ' (promoted)' : ''}`,
        )
        .join(', '),
    ]);
    out(table([['RUNBOOK', 'LEVEL', 'ALERT', 'SOLUTIONS (worked/chosen)'], ...rows]));
  }
  if (invalid > 0) out(`(${invalid} invalid file(s): run \`steward runbooks validate\`)\n`);
  return 0;
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
      )
      .join('\n') + '\n'
  );
}

function missing(id: string | undefined, out: Write): number {
  out(id ? `no runbook ${id}\n` : 'which runbook? give its id\n');
  return 1;
}
