import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../bot/db/free-port.ts';
import { waitFor } from './until.ts';

/** A real server binary (Prometheus, Alertmanager) on loopback, in a temporary folder of its own. */
export interface LoopbackServer {
  url: string;
  /** What it wrote to stdout and stderr. */
  output(): string;
  /** Ends it and removes its folder; once, however often it is called. */
  stop(): Promise<void>;
}

/**
 * Writes `files(workDir)` into a new temporary folder, runs `binary` with `args` on a free loopback
 * port and resolves once its `/-/ready` answers. When it exits or is not ready in time, it is ended,
 * its folder removed, and the error quotes its output.
 */
export async function startLoopbackServer(options: {
  name: string;
  binary: string;
  files: (workDir: string) => Record<string, string>;
  args: (server: { workDir: string; port: number; url: string }) => string[];
}): Promise<LoopbackServer> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), `steward-${options.name.toLowerCase()}-`));
  for (const [name, text] of Object.entries(options.files(workDir))) await writeFile(path.join(workDir, name), text);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(options.binary, options.args({ workDir, port, url }), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Running until it exits, or until it could not be started at all ('error' without 'exit').
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const ended = () => {
      running = false;
      resolve();
    };
    child.once('exit', ended);
    child.once('error', (error) => {
      output += String(error);
      ended();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (running) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
    })());

  try {
    const ready = await waitFor(`${options.name} to be ready`, async () =>
      !running ? 'exited' : (await fetch(`${url}/-/ready`)).ok ? 'ready' : undefined,
    );
    if (ready === 'exited') throw new Error(`${options.name} exited before it was ready`);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${output}`, { cause: error });
  }
  return { url, output: () => output, stop };
}
