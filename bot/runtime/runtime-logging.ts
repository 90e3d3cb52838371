import type { DestinationStream } from 'pino';
import { secretValues, type Config, type Env } from '../config/index.ts';
import { createLogger, createSecretRedactor, type Logger, type SecretRedactor } from '../logging/index.ts';

export interface RuntimeLogging {
  logger: Logger;
  redactor: SecretRedactor;
}

/**
 * The logger comes first and from the caller, so that a failed start can still be logged. Every
 * secret value in `env` is masked in every line.
 */
export function createRuntimeLogging(config: Config, env: Env, destination?: DestinationStream): RuntimeLogging {
  // The Mattermost button secret may be derived rather than set: mask the derived value too.
  const redactor = createSecretRedactor(secretValues(env, config.mattermost ? [config.mattermost.actionSecret] : []));
  return { redactor, logger: createLogger({ level: config.logLevel, redactor, destination }) };
}

