import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatNotifier, InboundReply } from '../../graphs/chat-port.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';
import { until } from '../helpers/until.ts';

/** How a test drives one platform: its notifier, what its fake received, and users talking to it. */
export interface NotifierDriver {
  notifier: ChatNotifier;
  /** The texts the platform received from us, in order. */
  sentTexts(): string[];
  /** A user writes `text`, optionally in reply to (quoting, threading) one of our messages. */
  userSays(text: string, inReplyTo?: string): void;
  /** The platform shows our own message back to us (an echo), when it does that at all. */
  echoOwnMessage?: (text: string) => void;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** What every chat platform must do; each supplies only a driver. */
export function notifierContract(name: string, setup: () => Promise<NotifierDriver>): void {
  describe(`chat notifier contract: ${name}`, () => {
    let driver: NotifierDriver;
    let replies: InboundReply[];

    beforeEach(async () => {
      driver = await setup();
      replies = [];
      await driver.notifier.start((reply) => Promise.resolve(void replies.push(reply)));
      await driver.ready();
    });
    afterEach(async () => {
      await driver.notifier.stop();
      await driver.close();
    });

    it('renders every numbered option, its impact and risk, and how to answer', async () => {
      await driver.notifier.send(solutionsQuestion);
      const text = driver.sentTexts().join('\n');
      expect(text).toContain('📋 Solutions found');
      expect(text).toMatch(/1\.\**\s+Increase memory 1GB → 2GB \(30s restart, 🟢 low risk\)/);
      expect(text).toContain('Reply: 1, ignore, or custom: …');
    });

    it('gives each sent message its own reference', async () => {
      const first = await driver.notifier.send({ kind: 'notice', title: 'one', body: '' });
      const second = await driver.notifier.send({ kind: 'notice', title: 'two', body: '' });
      expect(first.platformRef).not.toBe(second.platformRef);
    });

    it('hands on a user reply with its text, sender, conversation and a unique id', async () => {
      driver.userSays('1');
      driver.userSays('approve');
      await until('two replies', () => replies.length === 2);
      expect(replies.map((reply) => reply.text)).toEqual(['1', 'approve']);
      for (const reply of replies) {
        expect(reply.platform).toBe(driver.notifier.platform);
        expect(reply.sender).not.toBe('');
        expect(reply.conversation).not.toBe('');
      }
      expect(replies[0]!.externalId).not.toBe(replies[1]!.externalId);
    });

    it('binds a reply to the message it answers, where the platform can say so', async () => {
      const sent = await driver.notifier.send(solutionsQuestion);
      driver.userSays('2', sent.platformRef);
      await until('the reply', () => replies.length === 1);
      if (driver.notifier.platform !== 'shell') expect(replies[0]!.inReplyTo).toBe(sent.platformRef);
    });

    it('follows up a question where it was sent, saying who answered', async () => {
      const sent = await driver.notifier.send(solutionsQuestion);
      const followed = await driver.notifier.followUp(sent.platformRef, {
        kind: 'follow-up',
        questionId: solutionsQuestion.questionId,
        original: solutionsQuestion,
        title: '✔ Answered by alice via signal',
        body: '1. Increase memory 1GB → 2GB',
      });
      expect(followed.platformRef).not.toBe('');
      const text = driver.sentTexts().join('\n');
      expect(text).toContain('Answered by alice via signal');
      expect(text).toContain('1. Increase memory 1GB → 2GB');
    });

    it('never answers itself: its own messages are not replies', async () => {
      if (!driver.echoOwnMessage) return;
      driver.echoOwnMessage('1');
      driver.userSays('status');
      await until('the user reply', () => replies.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(replies.map((reply) => reply.text)).toEqual(['status']);
    });
  });
}
