import { findUnstorableText, storableText } from '../db/storable-text.ts';
import type { InboundReply } from '../../graphs/chat-port.ts';
import type { ReplyContext, ReplyHandler } from '../../graphs/replies.ts';
import { createApproverCheck } from './approvers.ts';
import { parseReply, type Reply } from '../commands/index.ts';
import { helpMessage } from '../../graphs/help-text.ts';
import { notAnApprover } from '../../graphs/reply-messages.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Queryable } from '../db/pool.ts';
import type { AuditLog } from '../db/repositories/audit-log.ts';
import { createInboundMessageRepository } from '../db/repositories/inbound-messages.ts';
import type { Logger } from '../logging/index.ts';
import type { OutboxRepository } from '../db/repositories/outbox.ts';

export type InboundOutcome = 'duplicate' | 'refused' | 'refused again' | 'ignored' | 'help' | 'handled';

export interface InboundRouterDeps {
  db: Queryable;
  outbox: OutboxRepository;
  coordination: Coordination;
  audit: AuditLog;
  logger: Logger;
  /** Who may answer, per platform: numbers, account UUIDs, user ids or usernames. */
  approvers: Readonly<Record<string, readonly string[]>>;
  handler: ReplyHandler;
  /** Text that is no command, with no question open: a request to look into (bot/chat/free-form-request.ts); false when it is not one. */
  request?: (text: string, context: ReplyContext) => Promise<boolean>;
  /** Called after something was queued, so the outbox sends it now rather than at the next poll. */
  wake?: () => void;
}

/** A stranger hears "no" once a month at most; the audit log records every attempt. */
const REFUSAL_QUIET_MS = 30 * 24 * 3_600_000;

/**
 * Every inbound chat message passes here, in this order:
 * 1. once: the same platform message delivered twice is acted on once;
 * 2. approvers only: anyone else is audited, never acted on, and refused at most once;
 * 3. the grammar: text that is not a command gets the short help, never a guess;
 * 4. the flow: the parsed reply goes to the handler.
 */
export function createInboundRouter(deps: InboundRouterDeps) {
  const inbound = createInboundMessageRepository(deps.db);
  const approves = createApproverCheck(deps.approvers);
  const isApprover = (reply: InboundReply) => approves(reply.platform, [reply.sender, ...(reply.senderAliases ?? [])]);

  async function answer(reply: InboundReply, { title, body }: { title: string; body: string }): Promise<void> {
    await deps.outbox.enqueue({
      channels: [reply.platform],
      conversation: reply.conversation,
      message: { kind: 'notice', title, body },
    });
    deps.wake?.();
  }

  return {
    async handle(received: InboundReply): Promise<InboundOutcome> {
      // Chat text goes into decisions and the audit log: what PostgreSQL cannot store would lose the
      // message (a NUL in a `custom:` instruction). It is replaced, never stored half.
      const reply = storableReply(received);
      if (reply !== received)
        deps.logger.warn(
          { platform: reply.platform },
          'chat message held characters that cannot be stored; replaced with U+FFFD',
        );
      if (!(await inbound.firstSighting(reply.platform, reply.externalId))) return 'duplicate';

      if (!isApprover(reply)) {
        // Only the length: a stranger's text is not ours to keep.
        await deps.audit.record({
          actor: reply.sender,
          channel: reply.platform,
          action: 'reply',
          subject: reply.conversation,
          outcome: 'refused: not an approver',
          details: { length: reply.text.length },
        });
        deps.logger.warn(
          { platform: reply.platform, sender: reply.sender },
          'reply from someone who is not an approver refused',
        );
        if (!(await deps.coordination.claimOnce(`refused:${reply.platform}:${reply.sender}`, REFUSAL_QUIET_MS)))
          return 'refused again';
        await answer(reply, notAnApprover());
        return 'refused';
      }

      const parsed = toReply(reply);
      if (!parsed) return 'ignored';
      const context: ReplyContext = {
        platform: reply.platform,
        conversation: reply.conversation,
        sender: reply.sender,
        ...(reply.senderAliases ? { senderAliases: reply.senderAliases } : {}),
        ...(reply.senderName ? { senderName: reply.senderName } : {}),
        reaction: reply.reaction === true,
        ...(reply.inReplyTo ? { inReplyTo: reply.inReplyTo } : {}),
      };
      if (parsed.kind === 'unknown' && !context.reaction && deps.request && (await deps.request(reply.text, context)))
        return 'handled';
      if (parsed.kind === 'unknown' || parsed.kind === 'help') {
        await answer(reply, helpMessage(parsed.kind));
        return 'help';
      }
      await deps.handler.handle(parsed, context);
      return 'handled';
    },
  };
}

export type InboundRouter = ReturnType<typeof createInboundRouter>;

/** A 👍 reaction approves (the flow accepts it only where one default action exists); other reactions say nothing. */
function toReply(reply: InboundReply): Reply | undefined {
  if (reply.reaction) return reply.text === '👍' ? { kind: 'approve' } : undefined;
  return parseReply(reply.text);
}

function storableReply(reply: InboundReply): InboundReply {
  if (!findUnstorableText(reply)) return reply;
  return {
    ...reply,
    conversation: storableText(reply.conversation),
    sender: storableText(reply.sender),
    text: storableText(reply.text),
    externalId: storableText(reply.externalId),
    ...(reply.senderAliases ? { senderAliases: reply.senderAliases.map(storableText) } : {}),
    ...(reply.senderName !== undefined ? { senderName: storableText(reply.senderName) } : {}),
    ...(reply.inReplyTo !== undefined ? { inReplyTo: storableText(reply.inReplyTo) } : {}),
  };
}
