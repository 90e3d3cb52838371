import { PassThrough } from 'node:stream';

/** A terminal for the shell channel: what Steward printed, and a way to type a line at it. */
export function fakeTerminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  return {
    terminal: { input, output, interactive: true },
    printed: () => printed,
    type: (line: string) => input.write(`${line}\n`),
    /** Forgets what was printed so far, so that a test looks only at what comes next. */
    clear: () => {
      printed = '';
    },
  };
}
