import { afterEach, describe, expect, it } from 'vitest';
import type { InboundReply } from '../../graphs/chat-port.ts';
import { verifyAction } from '../../notifiers/mattermost/action-signature.ts';
import { createMattermostNotifier } from '../../notifiers/mattermost/mattermost-notifier.ts';
import { startMattermostFake } from '../fakes/mattermost.ts';
import { solutionsQuestion } from '../helpers/sample-messages.ts';
import { until } from '../helpers/until.ts';

const TOKEN = 'mattermost-bot-token-0123456789';
const SECRET = 'button-secret-0123456789';
const CHANNEL = 'opschannelid00000000000000';
const OWNER = 'owneruserid000000000000000';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(extra: { token?: string; publicUrl?: string | null } = {}) {
  const fake = await startMattermostFake({ token: TOKEN });
  const logs: string[] = [];
  const notifier = createMattermostNotifier({
    url: fake.url,
    token: extra.token ?? TOKEN,
    channelId: CHANNEL,
    publicUrl: extra.publicUrl === null ? undefined : (extra.publicUrl ?? 'https://steward.home.arpa'),
    actionSecret: SECRET,
    log: (_level, message) => logs.push(message),
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

describe('Mattermost notifier against a loopback Mattermost', () => {
  it('posts a question in Markdown with one signed button per option, pointing at Steward', async () => {
    const { fake, notifier } = await setup();
    const sent = await notifier.send(solutionsQuestion);
    const post = fake.posts[0] as {
      id: string;
      channel_id: string;
      message: string;
      props: {
        attachments: { actions: { id: string; name: string; integration: { url: string; context: unknown } }[] }[];
      };
    };
    expect(sent.platformRef).toBe(post.id);
    expect(post.channel_id).toBe(CHANNEL);
    expect(post.message).toContain('**📋 Solutions found**');
    const actions = post.props.attachments[0]!.actions;
    expect(actions.map((action) => action.id)).toEqual(['option1', 'ignore']);
    expect(actions[0]!.integration.url).toBe('https://steward.home.arpa/mattermost/actions');
    expect(verifyAction(SECRET, actions[0]!.integration.context, Date.now())).toEqual({
      ok: true,
      question: 'q7',
      option: '1',
    });
    expect(verifyAction(SECRET, actions[1]!.integration.context, Date.now())).toEqual({
      ok: true,
      question: 'q7',
      option: 'ignore',
    });
  });

  it('uploads a notice’s picture to the channel and attaches it to the post', async () => {
    const { fake, notifier } = await setup();
    const bytes = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await notifier.send({
      kind: 'notice',
      title: '📈 Weekly report',
      body: 'Incidents per day: ▁█ (0 2)',
      image: {
        filename: 'incidents-per-day.png',
        contentType: 'image/png',
        base64: bytes.toString('base64'),
        alt: 'chart',
      },
    });
    expect(fake.files).toHaveLength(1);
    expect(fake.files[0]).toMatchObject({
      channelId: CHANNEL,
      name: 'incidents-per-day.png',
      mimeType: 'image/png',
      data: bytes,
    });
    expect(fake.posts[0]).toMatchObject({ channel_id: CHANNEL, file_ids: [fake.files[0]!.id] });
  });

  it('follows a question up by redrawing its post with the outcome and without its buttons', async () => {
    const { fake, notifier } = await setup();
    const sent = await notifier.send(solutionsQuestion);
    await notifier.followUp(sent.platformRef, {
      kind: 'follow-up',
      questionId: 'q7',
      original: solutionsQuestion,
      title: '✔ Answered by owner via signal',
      body: '1. Increase memory 1GB → 2GB',
    });
    expect(fake.patches).toEqual([expect.objectContaining({ id: sent.platformRef, props: { attachments: [] } })]);
    const post = fake.posts[0] as { message: string; props: { attachments: unknown[] } };
    expect(post.message).toMatch(
      /^\*\*📋 Solutions found\*\*[\s\S]*---\n\*\*✔ Answered by owner via signal\*\*\n\n1\. Increase memory/,
    );
    expect(post.props.attachments).toEqual([]);
    expect(fake.posts).toHaveLength(1);
  });

  it('follows up in the thread when the question post is gone', async () => {
    const { fake, notifier } = await setup();
    await notifier.followUp('deletedpostid0000000000000', {
      kind: 'follow-up',
      questionId: 'q7',
      original: solutionsQuestion,
      title: '✔ Answered',
      body: '1',
    });
    expect(fake.posts[0]).toMatchObject({ root_id: 'deletedpostid0000000000000', channel_id: CHANNEL });
  });

  it('answers in another channel when told to', async () => {
    const { fake, notifier } = await setup();
    await notifier.send({ kind: 'notice', title: 'Steward help', body: 'Reply with …' }, 'otherchannelid000000000000');
    expect(fake.posts[0]).toMatchObject({ channel_id: 'otherchannelid000000000000' });
  });

  it('posts without buttons when Mattermost cannot reach Steward (no PUBLIC_URL)', async () => {
    const { fake, notifier } = await setup({ publicUrl: null });
    await notifier.send(solutionsQuestion);
    expect((fake.posts[0] as { props: Record<string, unknown> }).props).toEqual({});
  });

  it('refuses to start with a wrong token, and a post with it is not retried', async () => {
    const { notifier } = await setup({ token: 'wrong-token-0123456789abcdef' });
    await expect(notifier.start(() => Promise.resolve())).rejects.toThrow(/MATTERMOST_TOKEN/);
    await expect(notifier.send(solutionsQuestion)).rejects.toMatchObject({ retryable: false });
  });

  it('receives channel and thread replies over the websocket, and ignores its own posts', async () => {
    const { fake, notifier, replies, start } = await setup();
    await start();
    expect(notifier.botUserId()).toBe(fake.botUserId);
    await until('the socket', () => fake.connections() === 1);
    const question = await notifier.send(solutionsQuestion);
    fake.userPosts({ userId: fake.botUserId, username: 'steward', channelId: CHANNEL, message: 'echo of our own' });
    fake.userPosts({ userId: OWNER, username: 'owner', channelId: 'otherchannel', message: '2' });
    const id = fake.userPosts({
      userId: OWNER,
      username: 'owner',
      channelId: CHANNEL,
      message: '1',
      rootId: question.platformRef,
    });
    await until('the reply', () => replies.length === 1);
    expect(replies).toEqual([
      {
        platform: 'mattermost',
        conversation: CHANNEL,
        sender: OWNER,
        senderAliases: ['owner'],
        senderName: 'owner',
        text: '1',
        externalId: id,
        inReplyTo: question.platformRef,
      },
    ]);
  });

  it('reconnects after the websocket drops and processes a reply posted after the reconnect', async () => {
    const { fake, replies, logs, start } = await setup();
    await start();
    await until('the socket', () => fake.connections() === 1);
    fake.dropSockets();
    await until('the drop', () => fake.connections() === 0);
    await until('the reconnect', () => fake.connections() === 1);
    fake.userPosts({ userId: OWNER, username: 'owner', channelId: CHANNEL, message: 'approve' });
    await until('the reply', () => replies.length === 1);
    expect(replies[0]!.text).toBe('approve');
    expect(logs.some((line) => line.startsWith('Mattermost websocket reconnected'))).toBe(true);
  });
});
