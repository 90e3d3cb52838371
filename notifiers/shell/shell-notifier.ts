import { createInterface, type Interface } from 'node:readline';
import type {
  ChatNotifier,
  InboundReply,
  OutgoingFollowUp,
  OutgoingMessage,
  SentMessage,
} from '../../graphs/chat-port.ts';
import { renderMessage } from '../../graphs/render-message.ts';
import { createTerminalScreen, type TerminalScreen } from './terminal-screen.ts';

export interface ShellNotifierOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** A terminal is attached: print messages and read replies. Otherwise messages only go to `log`. */
  interactive: boolean;
  log: (text: string) => void;
  /** Shared with the logs when they print to the same terminal; by default one of its own. */
  screen?: TerminalScreen;
  /**
   * Ctrl-C at the prompt. On a real terminal the line editor reads keys itself, so the terminal does
   * not turn Ctrl-C into SIGINT; by default it is raised here, as the terminal would have.
   */
  onInterrupt?: () => void;
}

/**
 * The embedded default, as Hubot's shell adapter: messages print to the terminal and each line typed
 * is a reply from the person at the terminal (who owns the machine, so may approve). On a real
 * terminal, readline edits the line (history, cursor keys), and messages and logs print above the
 * prompt without disturbing what is being typed.
 */
export function createShellNotifier(options: ShellNotifierOptions): ChatNotifier {
  let lines: Interface | undefined;
  let sent = 0;
  let received = 0;
  const startedAt = Date.now();
  const screen = options.screen ?? createTerminalScreen(options.output);

  function print(message: OutgoingMessage): Promise<SentMessage> {
    const text = renderMessage(message, 'plain');
    sent += 1;
    if (options.interactive) {
      screen.print(text, { gap: true });
    } else {
      options.log(text);
    }
    return Promise.resolve({ platformRef: `shell-${startedAt}-${sent}` });
  }

  return {
    platform: 'shell',

    send: print,

    /** A terminal cannot edit what it printed: the outcome is printed below. */
    followUp: (_target: string, message: OutgoingFollowUp) => print(message),

    start(onReply: (reply: InboundReply) => Promise<void>): Promise<void> {
      if (!options.interactive) return Promise.resolve();
      const terminal = options.input.isTTY === true && screen.tty;
      lines = createInterface({ input: options.input, output: options.output, prompt: 'steward> ', terminal });
      lines.on('SIGINT', options.onInterrupt ?? (() => process.kill(process.pid, 'SIGINT')));
      lines.on('line', (line) => {
        const text = line.trim();
        if (!text) {
          if (terminal) lines?.prompt();
          return;
        }
        received += 1;
        void onReply({
          platform: 'shell',
          conversation: 'terminal',
          sender: 'terminal',
          text,
          externalId: `shell-${startedAt}-${received}`,
        })
          // The answer (printed with its own prompt) comes through the outbox; only a failure prompts here.
          .catch((error: unknown) => {
            options.log(`handling that reply failed: ${(error as Error).message}`);
            lines?.prompt();
          });
      });
      screen.attach(lines);
      lines.prompt();
      return Promise.resolve();
    },

    stop(): Promise<void> {
      screen.attach(undefined);
      lines?.close();
      lines = undefined;
      return Promise.resolve();
    },
  };
}
