import { runService } from './runtime/run-service.ts';

// The process entry point: the environment is handed to readConfig here and read nowhere else.
await runService(process.env);
