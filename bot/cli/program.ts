import { Command } from 'commander';
import { ConfigError, readConfig, type Env } from '../config/index.ts';
import type { AuditOptions } from './audit-command.ts';
import { packageVersion } from './package-version.ts';

/** Every `steward` verb. Later features register theirs here (`runbooks`, `audit`, …). */
export async function runCli(argv: string[], env: Env): Promise<void> {
  const program = new Command()
    .name('steward')
    .description('Chat-ops approval bot: alerts in, options to chat, fixes only after approval.')
    .version(packageVersion(), '-V, --version', "print Steward's version")
    .showHelpAfterError();

  program
    .command('start')
    .description('run the service (the same as `npm start`)')
    // Each verb loads only what it needs: `steward audit` should not wait for the whole service to load.
    .action(async () => (await import('../runtime/run-service.ts')).runService(env));

  program
    .command('migrate')
    .description('apply database migrations and create the LangGraph checkpoint tables, then exit')
    .action(async () => {
      process.exitCode = await (await import('./migrate-command.ts')).migrateCommand(loadConfig(env), env);
    });

  program
    .command('runbooks')
    .description('list, show or validate the runbooks, or promote / demote one (audited, as in chat)')
    .argument('<verb>', 'list | show <id> | validate | promote <id> [solution] | demote <id>')
    .argument('[args...]')
    .action(async (verb: string, args: string[]) => {
      process.exitCode = await (
        await import('./runbooks-command.ts')
      ).runbooksCommand(loadConfig(env), env, verb, args);
    });

  program
    .command('audit')
    .description('show the audit log (who decided what, through which channel, when, with what outcome), newest first')
    .option('--since <when>', 'from this long ago (30m, 12h, 7d, 2w) or this ISO date')
    .option('--until <when>', 'before this long ago or this ISO date')
    .option('--actor <who>', 'who acted (a Signal UUID or number, a Mattermost user id, steward); * matches anything')
    .option('--channel <channel>', 'signal, mattermost, shell, github, flow, autonomy, cli, process …')
    .option('--action <action>', 'e.g. question.answer, incident.*, pull-request.merge, runbook.promote')
    .option('--subject <subject>', 'e.g. incident:42, runbook:*')
    .option('--outcome <outcome>', 'e.g. refused*')
    .option('--limit <n>', 'at most this many entries', '100')
    .option('--json', 'one JSON object per line, with details')
    .action(async (options: AuditOptions) => {
      process.exitCode = await (await import('./audit-command.ts')).auditCommand(loadConfig(env), env, options);
    });

  await program.parseAsync(argv);
}

function loadConfig(env: Env) {
  try {
    return readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`steward: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
