import type { Logger, SecretRedactor } from '../logging/index.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';
import { createPool, describeConnection, INTAKE_CONNECTIONS, type Pool } from './pool.ts';

export interface Database {
  readonly pool: Pool;
  /** Webhook intake's own connections, so that a storm of deliveries cannot take the flow's (pool.ts). */
  readonly intakePool: Pool;
  /** `external`: DATABASE_URL; `embedded`: Steward's own server under DATA_DIR. */
  readonly backend: 'external' | 'embedded';
  /** host:port/database, no credentials. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  logger: Logger;
  redactor: SecretRedactor;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { logger } = options;
  let embedded: EmbeddedDatabase | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(options.dataDir, logger);
    options.redactor.add(embedded.password);
    url = embedded.url;
  }
  const pool = createPool({ connectionString: url, logger });
  const intakePool = createPool({
    connectionString: url,
    logger,
    max: INTAKE_CONNECTIONS,
    applicationName: 'steward-intake',
  });
  const backend = embedded ? 'embedded' : 'external';
  const location = describeConnection(url);
  logger.info({ backend, location }, 'database configured');
  return {
    pool,
    intakePool,
    backend,
    location,
    async close() {
      await Promise.all([pool.end(), intakePool.end()]);
      await embedded?.stop();
    },
  };
}
