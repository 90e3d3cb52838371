import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  entries(): Record<string, unknown>[];
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends the signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  /**
   * For after-hooks: kills the service and whatever it started under its DATA_DIR. A SIGKILL alone
   * leaves the embedded PostgreSQL running (by design: the next start adopts it), so a test that
   * timed out would leave a server behind.
   */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts Steward as a real process (`node --import tsx bot/main.ts`) with only the given env. */
export function startService(
  env: Record<string, string>,
  args: string[] = ['--import', 'tsx', 'bot/main.ts'],
): ServiceProcess {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const entries = () =>
    text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  return {
    child,
    exited,
    output: () => text,
    entries,
    async waitForLog(message, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = entries().find((entry) => entry.msg === message);
        if (found) return found;
        if (child.exitCode !== null)
          throw new Error(`service exited (${child.exitCode}) before "${message}":\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no "${message}" within ${timeoutMs} ms:\n${text}`);
    },
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
      child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (env.DATA_DIR) await killProcessesMentioning(env.DATA_DIR);
    },
  };
}

/**
 * Ends every process that mentions `needle` (see processesMentioning) and waits until they are gone.
 * SIGQUIT first: PostgreSQL's immediate shutdown, which ends its backends and releases its shared
 * memory; SIGKILL for whatever still runs after that.
 */
export async function killProcessesMentioning(needle: string, graceMs = 5_000): Promise<void> {
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of processesMentioning(needle)) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  };
  signalAll('SIGQUIT');
  const deadline = Date.now() + graceMs;
  while (processesMentioning(needle).length > 0) {
    if (Date.now() > deadline) {
      signalAll('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * PIDs of live processes whose command line or environment mentions `needle` (a data directory:
 * PostgreSQL has it in its arguments, Steward in its DATA_DIR). Zombies do not count.
 */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(needle) || environ.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
