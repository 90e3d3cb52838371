import { Command } from 'commander';
import { ConfigError, readConfig, type Env } from '../config/index.ts';
import { runService } from '../runtime/run-service.ts';
import { migrateCommand } from './migrate-command.ts';
import { runbooksCommand } from './runbooks-command.ts';

/** Every `steward` verb. Later features register theirs here (`runbooks`, `audit`, …). */
export async function runCli(argv: string[], env: Env): Promise<void> {
  const program = new Command()
    .name('steward')
    .description('Chat-ops approval bot: alerts in, options to chat, fixes only after approval.')
    .showHelpAfterError();

  program
    .command('start')
    .description('run the service (the same as `npm start`)')
    .action(() => runService(env));

  program
    .command('migrate')
    .description('apply database migrations and create the LangGraph checkpoint tables, then exit')
    .action(async () => {
      process.exitCode = await migrateCommand(loadConfig(env), env);
    });

  program
    .command('runbooks')
    .description('list, show or validate the runbooks, or promote / demote one')
    .argument('<verb>', 'list | show <id> | validate | promote <id> [solution] | demote <id>')
    .argument('[args...]')
    .action(async (verb: string, args: string[]) => {
      process.exitCode = await runbooksCommand(loadConfig(env), verb, args);
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
