import type { Config, Env } from '../config/index.ts';
import { runMigrations } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { createRuntimeLogging } from '../runtime/runtime-logging.ts';

/** `steward migrate`: the same migration step the service runs at start, on its own. */
export async function migrateCommand(config: Config, env: Env): Promise<number> {
  const { logger, redactor } = createRuntimeLogging(config, env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, redactor });
  try {
    const result = await runMigrations(database.pool, logger);
    process.stdout.write(
      result.applied.length > 0
        ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}\n`
        : `database schema up to date (${result.alreadyApplied} migration(s) applied earlier)\n`,
    );
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'migration failed');
    process.stderr.write(`steward: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await database.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}
