import { createPool } from '../../bot/db/pool.ts';
import { createSharedRunbookStore } from '../../bot/runbooks/shared-runbook-store.ts';
import { silentLogger } from './silent-logger.ts';

/**
 * One replica's runbooks in a process of its own (`node --import tsx`), for the test that runs three:
 * argv is the database URL and its own runbook folder. Over IPC: `record` records the outcomes given,
 * one after another as the flow would; `sync` reads what the others changed; `get` returns a runbook.
 */
const [url, dir] = process.argv.slice(2) as [string, string];
const pool = createPool({ connectionString: url, logger: silentLogger(), max: 4 });
const store = createSharedRunbookStore({ dir, pool, logger: silentLogger() });
await store.load();

type Message =
  | { id: number; kind: 'record'; runbook: string; solution: string; outcomes: boolean[] }
  | { id: number; kind: 'sync' | 'close' }
  | { id: number; kind: 'get'; runbook: string };

process.on('message', (message: Message) => {
  void (async () => {
    try {
      if (message.kind === 'record') {
        for (const succeeded of message.outcomes) {
          if (!(await store.recordOutcome(message.runbook, message.solution, succeeded)))
            throw new Error(`no runbook ${message.runbook}`);
        }
        process.send!({ id: message.id });
      } else if (message.kind === 'sync') {
        await store.load();
        process.send!({ id: message.id });
      } else if (message.kind === 'get') {
        process.send!({ id: message.id, runbook: store.get(message.runbook), file: store.fileOf(message.runbook) });
      } else {
        await store.close();
        await pool.end();
        process.send!({ id: message.id });
        process.disconnect();
      }
    } catch (error) {
      process.send!({ id: message.id, error: String(error) });
    }
  })();
});
process.send!({ ready: true });
