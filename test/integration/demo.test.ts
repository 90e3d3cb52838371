import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../bot/db/free-port.ts';
import { renderTerminal, runInTerminal, type TerminalProcess } from '../helpers/pseudo-terminal.ts';
import { processesMentioning } from '../helpers/service-process.ts';
import { until } from '../helpers/until.ts';

interface LabEvent {
  event: string;
  tool?: string;
  arguments?: Record<string, unknown>;
  status?: string;
  answer?: number;
}

/**
 * `npm run demo` as a newcomer runs it: a real terminal, no servers, no keys. The lab's alert arrives
 * by itself, one answer at the prompt runs the fix through the lab's MCP tool, the lab sends the
 * resolved notification, and Steward says ✅ and asks "Next time?", all within two minutes.
 */
describe('npm run demo', () => {
  let dataDir: string;
  let demo: TerminalProcess | undefined;

  afterAll(async () => {
    if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
    // Whatever outlived it (Steward, the lab, PostgreSQL) mentions the data directory: end those, by id.
    for (const pid of dataDir ? processesMentioning(dataDir) : []) process.kill(pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'shows a real fix: the alert, one answer, the MCP tool, the resolution, ✅ and "Next time?"',
    { timeout: 180_000 },
    async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'steward-demo-'));
      // As root, the embedded PostgreSQL runs as the postgres account, which must be able to enter it.
      await chmod(dataDir, 0o755);
      const events = () => {
        const file = path.join(dataDir, 'demo-lab.jsonl');
        if (!existsSync(file)) return [];
        // Whole lines only: the lab may be writing the last one right now.
        const text = readFileSync(file, 'utf8');
        return text
          .slice(0, text.lastIndexOf('\n') + 1)
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LabEvent);
      };
      const port = await findFreePort();
      const started = Date.now();
      demo = runInTerminal('npm run demo', { DATA_DIR: dataDir, PORT: String(port) });
      const shown = () => demo!.screen();
      // A wait that fails shows what the terminal showed.
      const waitFor = async (what: string, condition: () => boolean, timeoutMs: number) => {
        try {
          await until(
            what,
            () => {
              if (demo!.child.exitCode !== null)
                throw new Error(`the demo exited (${demo!.child.exitCode}) before ${what}`);
              return condition();
            },
            timeoutMs,
          );
        } catch (error) {
          throw new Error(
            `${(error as Error).message}; the terminal showed:\n${shown().slice(-4000)}\nlab events: ${JSON.stringify(events())}`,
            { cause: error },
          );
        }
      };

      // The lab posts its alert to Steward's Alertmanager route once Steward listens; the question follows.
      await waitFor(
        'the demo alert delivered',
        () =>
          events().some((event) => event.event === 'notification' && event.status === 'firing' && event.answer === 200),
        90_000,
      );
      await waitFor('the question at the prompt', () => /Solutions found[\s\S]*steward> $/.test(shown()), 30_000);
      demo.type('status\r');
      await waitFor('the status', () => /📊 Status[\s\S]*steward> $/.test(shown()), 15_000);
      expect(shown()).toContain('Waiting for you (1):');
      expect(shown()).toContain('MCP servers (1):\n• lab: up, 4 tools');

      demo.type('1\r');
      await waitFor('✅ and "Next time?"', () => /✅[\s\S]*Next time/.test(shown()), 60_000);
      const took = Date.now() - started;
      expect(took, `${took} ms from start to ✅`).toBeLessThan(120_000);

      // What the lab received and sent: one restart of the leaking pod, then the resolved notification.
      const calls = events().filter((event) => event.event === 'tool' && event.tool === 'restart_pod');
      expect(calls.map((call) => call.arguments)).toEqual([{ name: 'radarr-0', namespace: 'media' }]);
      await waitFor(
        'the resolved notification accepted',
        () =>
          events().some(
            (event) => event.event === 'notification' && event.status === 'resolved' && event.answer === 200,
          ),
        15_000,
      );

      // What an operator's Prometheus sees of it.
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('steward_actions_total{tool="restart_pod",outcome="succeeded",trigger="approved"} 1');
      expect(metrics).toContain('steward_mcp_tool_calls_total{server="lab",tool="restart_pod",outcome="ok"} 1');
      expect(metrics).toContain('steward_mcp_server_up{server="lab",transport="stdio"} 1');
      expect(metrics).toContain('steward_approval_latency_seconds_count{kind="solution"} 1');

      // A readable terminal: logs print as lines for people, above the prompt, never on its line.
      await waitFor('the prompt back at the bottom', () => /steward> $/.test(shown()), 10_000);
      const lines = await renderTerminal(demo.raw());
      const visible = lines.filter((line) => line.trim() !== '');
      expect(visible.at(-1)?.trimEnd()).toBe('steward>');
      expect(visible.filter((line) => line.startsWith('{'))).toEqual([]);
      expect(visible.some((line) => /^\[\d\d:\d\d:\d\d\] INFO: steward listening/.test(line))).toBe(true);
      expect(visible.filter((line) => /steward> .*\[\d\d:\d\d:\d\d\] (INFO|WARN)/.test(line))).toEqual([]);

      // Ctrl-C at the prompt stops everything, the embedded PostgreSQL included.
      demo.type('\x03');
      expect(await demo.exited).toBe(0);
      await until('no process left behind', () => processesMentioning(dataDir).length === 0, 10_000);
    },
  );
});
