import { afterEach, describe, expect, it } from 'vitest';
import { ChatSendError, type ChatNotifier, type InboundReply } from '../../graphs/chat-port.ts';
import { createSignalNotifier } from '../../notifiers/signal/signal-notifier.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { createOutboxRepository } from '../../bot/db/repositories/outbox.ts';
import { createOutboxWorker } from '../../bot/outbox/outbox-worker.ts';
import { createMigratedDatabase, databaseBackends } from '../helpers/databases.ts';
import { silentLogger } from '../helpers/silent-logger.ts';
import { startSignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';
import { until } from '../helpers/until.ts';

const BOT = '+4917098765432';
const OWNER = '+4915112345678';
const question = solutionsQuestion;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(mode: 'json-rpc' | 'normal', responseShape: 'object' | 'array' = 'object') {
  const fake = await startSignalFake({ mode, number: BOT, responseShape });
  const logs: { level: string; message: string; details?: Record<string, unknown> }[] = [];
  const notifier = createSignalNotifier({
    apiUrl: fake.url,
    number: BOT,
    recipients: [OWNER],
    log: (level, message, details) => logs.push({ level, message, details }),
    reconnectMs: 20,
    maxReconnectMs: 100,
  });
  const replies: InboundReply[] = [];
  cleanup.push(() => fake.close());
  cleanup.push(() => notifier.stop());
  return {
    fake,
    notifier,
    replies,
    logs,
    start: () => notifier.start((reply) => Promise.resolve(void replies.push(reply))),
  };
}

function frame(text: string, timestamp: number) {
  const base = fixture<{ envelope: { timestamp: number; dataMessage: { timestamp: number; message: string } } }>(
    'signal-rest-jsonrpc-websocket-frame-direct-message.json',
  );
  base.envelope.timestamp = timestamp;
  base.envelope.dataMessage.timestamp = timestamp;
  base.envelope.dataMessage.message = text;
  return base;
}

describe('Signal notifier against a loopback signal-cli-rest-api', () => {
  it('sends styled text and keeps the message timestamp as its reference', async () => {
    const { fake, notifier } = await setup('json-rpc');
    const sent = await notifier.send(question);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ number: BOT, recipients: [OWNER], text_mode: 'styled' });
    expect(fake.sent[0]!.message).toContain('**📋 Solutions found**');
    expect(fake.sent[0]!.message).toContain('**1.** Increase memory 1GB → 2GB');
    expect(sent.platformRef).toMatch(/^\d{13}$/);
  });

  it('sends a notice’s picture as a named base64 attachment with the first part only', async () => {
    const { fake, notifier } = await setup('json-rpc');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    await notifier.send({
      kind: 'notice',
      title: '📈 Weekly report',
      body: 'Incidents per day: ▁█ (0 2)',
      image: { filename: 'incidents-per-day.png', contentType: 'image/png', base64: png, alt: 'chart' },
    });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.base64_attachments).toEqual([`data:image/png;filename=incidents-per-day.png;base64,${png}`]);
    await notifier.send({
      kind: 'notice',
      title: 'Long',
      body: 'x'.repeat(5_000),
      image: { filename: 'a.png', contentType: 'image/png', base64: png, alt: 'chart' },
    });
    const parts = fake.sent.slice(1).map((body) => Array.isArray(body.base64_attachments));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts).toEqual([true, ...parts.slice(1).map(() => false)]);
  });

  it('answers in the conversation a reply came from when told to (a group)', async () => {
    const { fake, notifier } = await setup('json-rpc');
    const group = 'group.bUhOMWtpWGdNWHBLejVBaDJsMTEwTkxRSHpJcllhRnVDM2MzbXpwU29hRT0=';
    await notifier.send({ kind: 'notice', title: 'Steward help', body: 'Reply with …' }, group);
    expect(fake.sent[0]).toMatchObject({ recipients: [group] });
  });

  it('follows a question up by quoting it', async () => {
    const { fake, notifier } = await setup('json-rpc');
    const sent = await notifier.send(question);
    await notifier.followUp(sent.platformRef, {
      kind: 'follow-up',
      questionId: 'q7',
      original: question,
      title: '✔ Answered by alice via mattermost',
      body: '1. Increase memory 1GB → 2GB',
    });
    expect(fake.sent[1]).toMatchObject({
      quote_timestamp: Number(sent.platformRef),
      quote_author: BOT,
      recipients: [OWNER],
      text_mode: 'styled',
    });
    expect(fake.sent[1]!.message).toBe('**✔ Answered by alice via mattermost**\n\n1. Increase memory 1GB → 2GB');
  });

  it('understands the newer array response', async () => {
    const { fake, notifier } = await setup('json-rpc', 'array');
    expect((await notifier.send(question)).platformRef).toMatch(/^\d{13}$/);
    expect(fake.sent).toHaveLength(1);
  });

  it('splits a long message into several sends', async () => {
    const { fake, notifier } = await setup('json-rpc');
    const body = Array.from(
      { length: 120 },
      (_, i) => `Line ${i}: the import queue keeps growing after each library scan.`,
    ).join('\n');
    await notifier.send({ kind: 'notice', title: 'Details', body });
    expect(fake.sent.length).toBeGreaterThan(1);
    for (const part of fake.sent) expect((part.message as string).length).toBeLessThanOrEqual(2_000);
    expect(fake.sent[1]!.message).toMatch(/^\(2\/\d+\) /);
  });

  it('turns a rate limit into a retryable error that says how long to wait, and a captcha challenge into a longer one', async () => {
    const { fake, notifier } = await setup('json-rpc');
    fake.failNextSends(
      { status: 429, body: { error: 'rate limited' }, headers: { 'retry-after': '30' } },
      { status: 429, body: { error: 'Use the attached challenge tokens', challenge_tokens: ['abc'], account: BOT } },
      { status: 400, body: { error: 'Invalid recipient' } },
      {
        status: 201,
        body: [{ timestamp: '1', errors: { recipients: [{ number: OWNER, reason: 'UNREGISTERED_FAILURE' }] } }],
      },
    );
    await expect(notifier.send(question)).rejects.toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    const challenge = await notifier.send(question).catch((error: unknown) => error);
    expect(challenge).toBeInstanceOf(ChatSendError);
    expect(challenge).toMatchObject({
      retryable: true,
      retryAfterMs: 15 * 60_000,
      message: expect.stringContaining('captcha'),
    });
    await expect(notifier.send(question)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('Invalid recipient'),
    });
    await expect(notifier.send(question)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('UNREGISTERED_FAILURE'),
    });
  });

  it('is retryable while signal-cli-rest-api cannot be reached', async () => {
    const notifier: ChatNotifier = createSignalNotifier({
      apiUrl: 'http://127.0.0.1:9',
      number: BOT,
      recipients: [OWNER],
      log: () => undefined,
    });
    await expect(notifier.send(question)).rejects.toMatchObject({ retryable: true });
  });

  it('detects json-rpc mode and receives replies over the websocket', async () => {
    const { fake, notifier, replies, start } = await setup('json-rpc');
    await start();
    expect(notifier.mode()).toBe('json-rpc');
    await until('the socket', () => fake.connections() === 1);
    fake.deliver(frame('1', 1_787_390_500_000));
    await until('the reply', () => replies.length === 1);
    expect(replies[0]).toMatchObject({
      platform: 'signal',
      text: '1',
      sender: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      senderAliases: [OWNER],
    });
  });

  it('reconnects when the socket drops, and processes a reply sent after the reconnect', async () => {
    const { fake, replies, logs, start } = await setup('json-rpc');
    await start();
    await until('the socket', () => fake.connections() === 1);
    fake.dropSockets();
    await until('the drop', () => fake.connections() === 0);
    await until('the reconnect', () => fake.connections() === 1);
    fake.deliver(frame('approve', 1_787_390_600_000));
    await until('the reply', () => replies.length === 1);
    expect(replies[0]!.text).toBe('approve');
    const reconnected = logs.find((entry) => entry.message.startsWith('Signal receive socket reconnected'));
    expect(reconnected?.details?.downMs).toEqual(expect.any(Number));
  });

  it('polls in normal mode', async () => {
    const { fake, notifier, replies, start } = await setup('normal');
    await start();
    expect(notifier.mode()).toBe('normal');
    for (const item of fixture<unknown[]>('signal-rest-normal-mode-receive-response.json')) fake.deliver(item);
    await until('three replies', () => replies.length === 3);
    expect(replies.map((reply) => reply.text)).toEqual(['approve 42', 'yes, roll back', '👍']);
  });

  it('delivers messages queued while Signal was down after it comes back and after a restart, each once', async () => {
    const database = await createMigratedDatabase(databaseBackends()[0]!.adminUrl!);
    cleanup.push(() => database.close());
    const port = await findFreePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const worker = () =>
      createOutboxWorker({
        outbox: createOutboxRepository(database.pool),
        // No pacing: the test is about what survives, not about spacing sends.
        notifiers: [
          createSignalNotifier({ apiUrl, number: BOT, recipients: [OWNER], log: () => undefined, paceMs: 0 }),
        ],
        logger: silentLogger(),
        metrics: createMetrics(),
        baseDelayMs: 20,
        maxDelayMs: 50,
        random: () => 0.5,
      });
    const outbox = createOutboxRepository(database.pool);
    await outbox.enqueue({
      channels: ['signal'],
      message: { kind: 'notice', title: '🔔 Issue detected', body: 'DiskFull on nas' },
      dedupKey: 'incident:1:notice',
    });
    await outbox.enqueue({ channels: ['signal'], message: question, dedupKey: 'incident:1:question:7' });

    // Signal is down: both stay queued.
    const before = worker();
    expect(await before.drain()).toBe(2);
    expect(await outbox.backlog()).toEqual({ signal: 2 });
    await before.stop();

    // Signal comes back; Steward restarts (a new worker, a new notifier: only the rows remain).
    const fake = await startSignalFake({ mode: 'json-rpc', number: BOT, port });
    cleanup.push(() => fake.close());
    const after = worker();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await after.drain();
    expect(fake.sent.map((body) => (body.message as string).split('\n')[0])).toEqual([
      '**🔔 Issue detected**',
      '**📋 Solutions found**',
    ]);
    expect(await after.drain()).toBe(0);
    expect(await outbox.backlog()).toEqual({});
    // Enqueueing the same question again (a replayed step) sends nothing new.
    expect(
      await outbox.enqueue({ channels: ['signal'], message: question, dedupKey: 'incident:1:question:7' }),
    ).toEqual([]);
  });
});
