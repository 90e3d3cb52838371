export { readConfig, ConfigError, isLoopbackHost, type Env, type ConfigProblem } from './read-config.ts';
export { secretValues } from './secrets.ts';
export { knownVariables, secretVariables } from './env-schema.ts';
export type { Config, LogFormat, LogLevel } from './types.ts';
export { loadStructuredConfig, parseStructuredConfig, type StructuredConfig } from './structured-config.ts';
