import type { InboundReply } from '../../graphs/chat-port.ts';
import { envelopeFrameSchema } from './schema.ts';

export type Decoded = { reply: InboundReply } | { ignored: string };

/**
 * One received envelope as a reply, or why it is ignored. Our own messages and sync messages (sent
 * from the owner's other devices) never count; receipts, typing and empty messages are not replies.
 * A group message's conversation is the REST API's `group.<base64 of the internal id>`, so that
 * answers go back to the same group.
 */
export function decodeEnvelope(frame: unknown, ownNumber: string): Decoded {
  const parsed = envelopeFrameSchema.safeParse(frame);
  if (!parsed.success) return { ignored: 'not an envelope' };
  const { envelope, account } = parsed.data;
  if (account && account !== ownNumber) return { ignored: 'for another account' };
  const senderNumber = envelope.sourceNumber ?? (envelope.source?.startsWith('+') ? envelope.source : undefined);
  if (senderNumber === ownNumber) return { ignored: 'our own message' };
  if (envelope.syncMessage !== undefined) return { ignored: 'sync message' };
  const data = envelope.dataMessage;
  if (!data) return { ignored: 'not a data message' };

  const sender = envelope.sourceUuid ?? senderNumber ?? envelope.source;
  if (!sender) return { ignored: 'no sender' };
  const senderAliases = [senderNumber, envelope.source].filter((id): id is string => Boolean(id) && id !== sender);
  const conversation = data.groupInfo ? toGroupRecipient(data.groupInfo.groupId) : (senderNumber ?? sender);
  const base = {
    platform: 'signal',
    conversation,
    sender,
    senderAliases: [...new Set(senderAliases)],
    externalId: `${sender}:${envelope.timestamp}`,
    ...(envelope.sourceName ? { senderName: envelope.sourceName } : {}),
  };

  if (data.reaction) {
    if (data.reaction.isRemove) return { ignored: 'reaction removed' };
    const { targetAuthorNumber, targetAuthor } = data.reaction;
    // A reaction to someone else's message is not about Steward's, whatever its timestamp.
    if (!byUs(targetAuthorNumber ?? targetAuthor, ownNumber)) return { ignored: 'reaction to another sender' };
    return {
      reply: {
        ...base,
        text: data.reaction.emoji,
        reaction: true,
        inReplyTo: String(data.reaction.targetSentTimestamp),
      },
    };
  }
  const text = data.message?.trim();
  if (!text) return { ignored: 'no text' };
  // A quote names one of Steward's messages only when Steward wrote it: a group member's message can
  // carry the same timestamp as a question (a client chooses its own), so a quote of it names nothing.
  const quoted = data.quote && byUs(data.quote.authorNumber ?? data.quote.author, ownNumber) ? data.quote : undefined;
  return { reply: { ...base, text, ...(quoted ? { inReplyTo: String(quoted.id) } : {}) } };
}

/**
 * Whether the quoted or reacted-to message is the bot's own. Only a phone number can be compared: when
 * signal-cli gives none (an author known by UUID alone), the timestamp decides, as before.
 */
function byUs(author: string | null | undefined, ownNumber: string): boolean {
  return !author?.startsWith('+') || author === ownNumber;
}

/** The REST API addresses a group as "group." + base64 of the internal id an envelope carries. */
export function toGroupRecipient(internalGroupId: string): string {
  return `group.${Buffer.from(internalGroupId, 'utf8').toString('base64')}`;
}
