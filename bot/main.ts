import { runService } from './runtime/run-service.ts';

// The process entry point: the environment is handed to readConfig here and read nowhere else.
// npm sets npm_lifecycle_event for scripts; under npm, Steward must not outlive npm.
await runService(process.env, { stopWhenParentExits: process.env.npm_lifecycle_event !== undefined });
