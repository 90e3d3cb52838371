import type { Logger, SecretRedactor } from '../logging/index.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';
import { createPool, describeConnection, type Pool } from './pool.ts';

export interface Database {
  readonly pool: Pool;
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
  const backend = embedded ? 'embedded' : 'external';
  const location = describeConnection(url);
  logger.info({ backend, location }, 'database configured');
  return {
    pool,
    backend,
    location,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
