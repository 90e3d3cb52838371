import type { ReplyContext } from '../../graphs/replies.ts';
import type { ChatCommands } from './chat-commands.ts';
import type { QuestionDesk } from './question-desk.ts';

/** Words a request needs at least: "stauts" or "ok" is a typo or a remark, not something to look into. */
const MIN_WORDS = 3;

/**
 * Text that answers no question, sent when none is open ("check why sonarr is slow", or `custom:`
 * with nothing open): a read-only investigation whose findings go back to the same conversation.
 * Returns false when it is not such a request (a question is open or quoted, too few words, or the
 * runtime offers no investigation), so that the caller answers as before.
 */
export function createFreeFormRequests(deps: {
  desk: Pick<QuestionDesk, 'bind'>;
  commands?: ChatCommands;
  say(context: ReplyContext, title: string, body: string): Promise<void>;
}) {
  return async function request(text: string, context: ReplyContext): Promise<boolean> {
    const commands = deps.commands;
    if (!commands?.request) return false;
    if ((text.match(/[\p{L}\p{N}]+/gu) ?? []).length < MIN_WORDS) return false;
    const bound = await deps.desk.bind({
      platform: context.platform,
      ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}),
    });
    // An agent's question waiting to be quoted does not hold up the owner's own requests: text that
    // names no question cannot answer it anyway.
    const free = (bound.kind === 'nothing open' && bound.incidentId === undefined) || bound.kind === 'quote it';
    if (!free) return false;
    const answer = await commands.request(text);
    await deps.say(context, answer.title, answer.body);
    return true;
  };
}

export type FreeFormRequests = ReturnType<typeof createFreeFormRequests>;
