import path from 'node:path';
import { envSchema, knownVariables, secretVariables, type EnvInput } from './env-schema.ts';
import type { Config } from './types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown when the environment is invalid; its message names every bad variable at once. */
export class ConfigError extends Error {
  readonly code = 'config_invalid' as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const secret = new Set<string>(secretVariables);

/**
 * The only reader of the environment. Pure: the same env (and working directory) gives the same
 * frozen Config. Values of secret variables are never echoed in error messages.
 */
export function readConfig(env: Env): Config {
  const picked = Object.fromEntries(knownVariables.map((name) => [name, env[name]]));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const raw = env[variable];
      const shown = secret.has(variable) || raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`;
      return { variable, message: `${issue.message}${shown}` };
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(toConfig(parsed.data));
}

function toConfig(input: EnvInput): Config {
  const dataDir = path.resolve(input.DATA_DIR);
  return {
    port: input.PORT,
    host: input.HOST,
    logLevel: input.LOG_LEVEL,
    dataDir,
    databaseUrl: input.DATABASE_URL,
    redisUrl: input.REDIS_URL,
    redisKeyPrefix: input.REDIS_KEY_PREFIX,
    stewardConfigPath: input.STEWARD_CONFIG ? path.resolve(input.STEWARD_CONFIG) : undefined,
    runbookDir: path.resolve(input.RUNBOOK_DIR ?? path.join(dataDir, 'runbooks')),
    publicUrl: input.PUBLIC_URL,
    httpBodyLimit: input.HTTP_BODY_LIMIT,
  };
}
