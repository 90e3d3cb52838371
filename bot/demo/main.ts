import { fileURLToPath } from 'node:url';
import { runService } from '../runtime/run-service.ts';
import { prepareDemo } from './prepare-demo.ts';

// `npm run demo`: Steward with the simulated lab (bot/demo/README.md), on its embedded PostgreSQL,
// talking through this terminal. Like bot/main.ts, the only other place that reads the environment.
const root = fileURLToPath(new URL('../../', import.meta.url));
const env = prepareDemo(process.env, root);
process.stdout.write(
  [
    'Steward demo: a simulated homelab (bot/demo/lab/) where radarr-0 leaks memory.',
    'Its alert arrives in a few seconds; answer at the steward> prompt (1 runs the fix).',
    `State is kept in ${env.DATA_DIR}; Ctrl-C stops.`,
    '',
  ].join('\n'),
);
await runService(env, { stopWhenParentExits: process.env.npm_lifecycle_event !== undefined });
