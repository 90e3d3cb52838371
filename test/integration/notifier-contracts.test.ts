import { PassThrough } from 'node:stream';
import { createMattermostNotifier } from '../../notifiers/mattermost/mattermost-notifier.ts';
import { createShellNotifier } from '../../notifiers/shell/shell-notifier.ts';
import { createSignalNotifier } from '../../notifiers/signal/signal-notifier.ts';
import { notifierContract, type NotifierDriver } from '../contracts/notifier.contract.ts';
import { startMattermostFake } from '../fakes/mattermost.ts';
import { startSignalFake } from '../fakes/signal-rest-api.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';

notifierContract('shell', () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const driver: NotifierDriver = {
    notifier: createShellNotifier({ input, output, interactive: true, log: () => undefined }),
    sentTexts: () => [printed],
    userSays: (text) => input.write(`${text}\n`),
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(driver);
});

const BOT = '+4917098765432';
for (const mode of ['json-rpc', 'normal'] as const) {
  notifierContract(`signal (${mode} mode)`, async () => {
    const fake = await startSignalFake({ mode, number: BOT });
    const owner = { number: '+4915112345678', uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Alice Ops' };
    const bot = { number: BOT, uuid: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' };
    return {
      notifier: createSignalNotifier({
        apiUrl: fake.url,
        number: BOT,
        recipients: ['+4915112345678'],
        log: () => undefined,
        reconnectMs: 20,
      }),
      sentTexts: () => fake.sent.map((body) => body.message as string),
      userSays: (text, inReplyTo) => fake.deliver(signalTextFrame(BOT, owner, text, inReplyTo)),
      echoOwnMessage: (text) => fake.deliver(signalTextFrame(BOT, bot, text)),
      ready: async () => {
        const deadline = Date.now() + 5_000;
        while (mode === 'json-rpc' && fake.connections() === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));
      },
      close: () => fake.close(),
    };
  });
}

notifierContract('mattermost', async () => {
  const token = 'mattermost-bot-token-0123456789';
  const fake = await startMattermostFake({ token });
  const channelId = 'opschannelid00000000000000';
  return {
    notifier: createMattermostNotifier({
      url: fake.url,
      token,
      channelId,
      publicUrl: 'https://steward.home.arpa',
      actionSecret: 'button-secret-0123456789',
      log: () => undefined,
      reconnectMs: 20,
    }),
    sentTexts: () => fake.posts.map((post) => post.message as string),
    userSays: (text, inReplyTo) =>
      void fake.userPosts({
        userId: 'owneruserid000000000000000',
        username: 'owner',
        channelId,
        message: text,
        rootId: inReplyTo,
      }),
    echoOwnMessage: (text) =>
      void fake.userPosts({ userId: fake.botUserId, username: 'steward', channelId, message: text }),
    ready: async () => {
      const deadline = Date.now() + 5_000;
      while (fake.connections() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () => fake.close(),
  };
});
