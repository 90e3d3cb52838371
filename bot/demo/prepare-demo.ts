import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The runbook that matches the lab's alert, copied into the demo's runbook folder once. */
export const DEMO_RUNBOOK = 'runbooks/examples/demo-pod-memory-leak.yaml';

/**
 * The environment `npm run demo` runs Steward with: the lab as its MCP server, the demo runbook, an
 * embedded PostgreSQL under data/demo, a webhook token made up for this run, loopback only, and
 * `selective` autonomy (a runbook's known problem is not asked about first; "auto" at "Next time?"
 * lets it run alone when the leak comes back). What the caller set wins, except STEWARD_CONFIG.
 * Writes only the runbook copy, and only when it is missing, so what the demo learned stays.
 */
export function prepareDemo(
  env: Readonly<Record<string, string | undefined>>,
  root: string,
): Record<string, string | undefined> {
  const dataDir = path.resolve(root, env.DATA_DIR ?? path.join('data', 'demo'));
  const runbookDir = path.resolve(root, env.RUNBOOK_DIR ?? path.join(dataDir, 'runbooks'));
  mkdirSync(runbookDir, { recursive: true });
  const runbook = path.join(runbookDir, path.basename(DEMO_RUNBOOK));
  if (!existsSync(runbook)) copyFileSync(path.join(root, DEMO_RUNBOOK), runbook);
  return {
    ...env,
    DATA_DIR: dataDir,
    RUNBOOK_DIR: runbookDir,
    STEWARD_CONFIG: path.join(root, 'bot', 'demo', 'steward-demo.yaml'),
    HOST: env.HOST ?? '127.0.0.1',
    PORT: env.PORT ?? '8080',
    AUTONOMY_MODE: env.AUTONOMY_MODE ?? 'selective',
    ALERTMANAGER_TOKEN: env.ALERTMANAGER_TOKEN ?? randomBytes(24).toString('base64url'),
  };
}
