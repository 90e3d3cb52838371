import { z } from 'zod';
import type { InboundReply } from '../../graphs/chat-port.ts';

/** A websocket event; `data.post` of a `posted` event is a JSON string to parse again. */
const eventSchema = z.looseObject({
  event: z.string(),
  data: z.looseObject({}).optional(),
  seq: z.number().optional(),
});
const postedDataSchema = z.looseObject({ post: z.string(), sender_name: z.string().optional() });
const postSchema = z.looseObject({
  id: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  root_id: z.string().optional(),
  message: z.string(),
  type: z.string().optional(),
  props: z.looseObject({ from_webhook: z.unknown().optional(), from_bot: z.unknown().optional() }).nullish(),
});

export type DecodedEvent = { reply: InboundReply } | { ignored: string };

/**
 * A Mattermost websocket frame as a reply, or why it is ignored. Only `posted` events in watched
 * channels count; the bot's own posts, webhook and bot posts, and system messages never do.
 */
export function decodePostedEvent(frame: unknown, botUserId: string, channels: ReadonlySet<string>): DecodedEvent {
  const event = eventSchema.safeParse(frame);
  if (!event.success) return { ignored: 'not an event' };
  if (event.data.event !== 'posted') return { ignored: event.data.event };
  const data = postedDataSchema.safeParse(event.data.data);
  if (!data.success) return { ignored: 'posted event without post' };
  let raw: unknown;
  try {
    raw = JSON.parse(data.data.post);
  } catch {
    return { ignored: 'post is not JSON' };
  }
  const post = postSchema.safeParse(raw);
  if (!post.success) return { ignored: 'post without the expected fields' };
  const { id, user_id: sender, channel_id: channel, root_id: root, message, type, props } = post.data;
  if (sender === botUserId) return { ignored: 'our own post' };
  if (props?.from_webhook || props?.from_bot) return { ignored: 'bot or webhook post' };
  if (type && type.startsWith('system_')) return { ignored: 'system message' };
  if (!channels.has(channel)) return { ignored: 'another channel' };
  const text = message.trim();
  if (!text) return { ignored: 'no text' };
  const username = data.data.sender_name?.replace(/^@/, '');
  return {
    reply: {
      platform: 'mattermost',
      conversation: channel,
      sender,
      senderAliases: username ? [username] : [],
      ...(username ? { senderName: username } : {}),
      text,
      externalId: id,
      ...(root ? { inReplyTo: root } : {}),
    },
  };
}
