import { createInterface, type Interface } from 'node:readline';
import type { ChatNotifier, InboundReply, OutgoingFollowUp, OutgoingMessage, SentMessage } from '../../graphs/chat-port.ts';
import { renderMessage } from '../../graphs/render-message.ts';

export interface ShellNotifierOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A terminal is attached: print messages and read replies. Otherwise messages only go to `log`. */
  interactive: boolean;
  log: (text: string) => void;
}

/**
 * The embedded default, as Hubot's shell adapter: messages print to the terminal and each line typed
 * is a reply from the person at the terminal (who owns the machine, so may approve).
 */
export function createShellNotifier(options: ShellNotifierOptions): ChatNotifier {
  let lines: Interface | undefined;
  let sent = 0;
  let received = 0;
  const startedAt = Date.now();

  function print(message: OutgoingMessage): Promise<SentMessage> {
    const text = renderMessage(message, 'plain');
    sent += 1;
    if (options.interactive) {
      options.output.write(`\n${text}\n${lines ? 'steward> ' : ''}`);
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
      lines = createInterface({ input: options.input, output: options.output, prompt: 'steward> ', terminal: false });
      lines.on('line', (line) => {
        const text = line.trim();
        if (!text) return;
        received += 1;
        void onReply({ platform: 'shell', conversation: 'terminal', sender: 'terminal', text, externalId: `shell-${startedAt}-${received}` })
          // The answer (printed with its own prompt) comes through the outbox; only a failure prompts here.
          .catch((error: unknown) => {
            options.log(`handling that reply failed: ${(error as Error).message}`);
            lines?.prompt();
          });
      });
      lines.prompt();
      return Promise.resolve();
    },

    stop(): Promise<void> {
      lines?.close();
      lines = undefined;
      return Promise.resolve();
    },
  };
}
