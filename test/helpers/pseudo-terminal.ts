import { spawn, type ChildProcess } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import type * as Xterm from '@xterm/headless';
import { repoRoot } from './service-process.ts';

export interface TerminalProcess {
  child: ChildProcess;
  /** What the terminal showed, escape sequences removed and line ends as `\n`. */
  screen(): string;
  /** Everything written to the terminal, escape sequences included. */
  raw(): string;
  /** Types text at the terminal (`\r` is Enter, `\x03` Ctrl-C). */
  type(text: string): void;
  exited: Promise<number | null>;
}

/**
 * Runs a shell command on a real pseudo-terminal, as a person would in a terminal window: util-linux
 * `script` allocates the terminal, so the program sees TTYs on stdin and stdout (raw mode, line
 * editing, Ctrl-C as a key) of `size`. Only `env` (plus PATH, HOME and TERM) is passed.
 */
export function runInTerminal(
  command: string,
  env: Record<string, string>,
  size = { cols: 120, rows: 50 },
): TerminalProcess {
  const sized = `stty cols ${size.cols} rows ${size.rows}; exec ${command}`;
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', sized, '/dev/null'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      TERM: 'xterm-256color',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    raw: () => text,
    screen: () => stripVTControlCharacters(text).replace(/\r+\n/g, '\n'),
    type: (typed) => void child.stdin.write(typed),
  };
}

/** The lines a terminal of `cols` columns shows after `raw` (scrollback included), as a person sees them. */
export async function renderTerminal(raw: string, cols = 120): Promise<string[]> {
  // A CommonJS bundle: its exports are the default import under Node, named ones under some loaders.
  const loaded = (await import('@xterm/headless')) as typeof Xterm & { default?: typeof Xterm };
  const xterm = loaded.default ?? loaded;
  // A pty turns \n into \r\n on the way out (onlcr); streams that only pretend to be a TTY do not.
  const terminal = new xterm.Terminal({ cols, rows: 50, scrollback: 10_000, allowProposedApi: true, convertEol: true });
  await new Promise<void>((resolve) => terminal.write(raw, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i += 1) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  terminal.dispose();
  return lines;
}
