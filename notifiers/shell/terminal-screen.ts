import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';

/**
 * The terminal the shell channel talks through, shared with whatever else prints there (the logs).
 * Text is printed above the `steward>` prompt: on a real terminal the prompt line is wiped, the text
 * written, and the prompt drawn again below it with what was typed so far, so nothing ever lands in
 * the middle of a line being typed.
 */
export interface TerminalScreen {
  /** Prints whole lines above the prompt; `gap` puts a blank line before them (a chat message). */
  print(text: string, options?: { gap?: boolean }): void;
  /** The shell channel hands over its line reader while the prompt shows, and undefined when it stops. */
  attach(lines: Interface | undefined): void;
  /** Whether the output is a terminal that understands cursor movement. */
  readonly tty: boolean;
}

export function createTerminalScreen(output: NodeJS.WritableStream & { isTTY?: boolean }): TerminalScreen {
  let lines: Interface | undefined;
  const tty = output.isTTY === true;

  function print(text: string, options: { gap?: boolean } = {}): void {
    const body = `${options.gap ? '\n' : ''}${text.replace(/\n$/, '')}\n`;
    if (!lines) {
      output.write(body);
      return;
    }
    if (!tty) {
      // A pipe or a test's stream: no cursor to move, so the prompt line is ended and drawn again below.
      output.write(`\n${text.replace(/\n$/, '')}\n${lines.getPrompt()}`);
      return;
    }
    // Back to the first row of the prompt (typed text may wrap), wipe it, print, and draw the prompt
    // and the typed text again with the cursor where it was.
    const { rows } = lines.getCursorPos();
    if (rows > 0) moveCursor(output, 0, -rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    output.write(body);
    output.write(`${lines.getPrompt()}${lines.line}`);
    const back = lines.line.length - lines.cursor;
    if (back > 0) moveCursor(output, -back, 0);
  }

  return {
    print,
    attach(next) {
      // The prompt goes away with its line reader: wipe it, so later lines do not start after it.
      if (!next && lines && tty) {
        cursorTo(output, 0);
        clearScreenDown(output);
      }
      lines = next;
    },
    tty,
  };
}
