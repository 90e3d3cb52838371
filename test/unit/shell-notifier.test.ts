import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InboundReply } from '../../graphs/chat-port.ts';
import { createShellNotifier } from '../../notifiers/shell/shell-notifier.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';

const question = solutionsQuestion;

function terminal(interactive: boolean) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const logged: string[] = [];
  const notifier = createShellNotifier({ input, output, interactive, log: (text) => logged.push(text) });
  return { notifier, input, printed: () => printed, logged };
}

describe('shell notifier', () => {
  it('prints questions to the terminal and reads each typed line as a reply', async () => {
    const shell = terminal(true);
    const replies: InboundReply[] = [];
    await shell.notifier.start((reply) => Promise.resolve(void replies.push(reply)));
    const sent = await shell.notifier.send(question);
    expect(shell.printed()).toContain('📋 Solutions found');
    expect(shell.printed()).toContain('1. Increase memory 1GB → 2GB (30s restart, 🟢 low risk)');
    expect(shell.printed()).toContain('Reply: 1, ignore, or custom: …');
    expect(sent.platformRef).toMatch(/^shell-/);

    shell.input.write('1\n\n  approve \n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replies.map((reply) => reply.text)).toEqual(['1', 'approve']);
    expect(new Set(replies.map((reply) => reply.externalId)).size).toBe(2);
    expect(replies[0]).toMatchObject({ platform: 'shell', conversation: 'terminal', sender: 'terminal' });
    await shell.notifier.stop();
  });

  it('survives a reply whose handling fails, and says so', async () => {
    const shell = terminal(true);
    await shell.notifier.start(() => Promise.reject(new Error('database is down')));
    shell.input.write('1\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shell.logged).toEqual(['handling that reply failed: database is down']);
    await shell.notifier.stop();
  });

  it('without a terminal, only logs', async () => {
    const shell = terminal(false);
    const replies: InboundReply[] = [];
    await shell.notifier.start((reply) => Promise.resolve(void replies.push(reply)));
    await shell.notifier.send(question);
    shell.input.write('1\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(shell.printed()).toBe('');
    expect(shell.logged[0]).toContain('📋 Solutions found');
    expect(replies).toEqual([]);
  });
});
