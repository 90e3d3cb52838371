import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat } from '../config/index.ts';

/** Where log lines go and how they look. */
export interface LogOutput {
  format: LogFormat;
  to: 'stdout' | 'terminal' | 'file';
}

/**
 * LOG_FILE wins (JSON unless LOG_FORMAT says otherwise); else, when the shell channel talks through a
 * terminal, logs print there for people, above its prompt; else JSON on standard output, for a
 * collector. LOG_FORMAT overrides the format wherever the lines go. Pure.
 */
export function chooseLogOutput(input: {
  format: LogFormat | undefined;
  file: string | undefined;
  terminal: boolean;
}): LogOutput {
  if (input.file) return { format: input.format ?? 'json', to: 'file' };
  if (input.terminal) return { format: input.format ?? 'pretty', to: 'terminal' };
  return { format: input.format ?? 'json', to: 'stdout' };
}

/**
 * pino-pretty's formatter over each JSON line (already redacted): one line per entry, local time, and
 * the fields every line has left out. Formatting here, in the main thread, keeps lines in order with
 * chat messages printed to the same terminal.
 */
export function prettyLines(
  target: { write(text: string): unknown; flush?(callback: (error?: Error) => void): void },
  options: { colorize: boolean },
): DestinationStream & { flush(callback: (error?: Error) => void): void } {
  const prettify = prettyFactory({
    colorize: options.colorize,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  return {
    write: (line: string) => void target.write(prettify(line)),
    // pino's flush before exit reaches the buffered stream underneath.
    flush: (callback) => (target.flush ? target.flush(callback) : callback()),
  };
}

/**
 * Appends to `file` (its folder is created), one write per line: on a busy machine a buffered file
 * lost the last lines ("shutdown complete") when the process exited right after its flush was asked.
 */
export function fileDestination(file: string): DestinationStream {
  mkdirSync(path.dirname(file), { recursive: true });
  return pino.destination({ dest: file, append: true, sync: true });
}
