import type { ChatImage } from '../../graphs/chat-port.ts';
import type { ReplyContext, ReplyHandler } from '../../graphs/replies.ts';
import { noDetails, notAvailable } from '../../graphs/reply-messages.ts';
import type { Queryable } from '../db/pool.ts';
import type { OutboxRepository } from '../db/repositories/outbox.ts';
import { isAnswer, type AnsweringReply } from './answer-for.ts';
import { answerNotice, type AnswerQuestion } from './answer-question.ts';
import { createFreeFormRequests } from './free-form-request.ts';
import { incidentDetails } from './incident-details.ts';
import type { QuestionDesk } from './question-desk.ts';
import type { ChatCommands } from './chat-commands.ts';
import { statusReport } from './status-report.ts';

export interface ReplyDeskOptions {
  db: Queryable;
  desk: QuestionDesk;
  outbox: OutboxRepository;
  /** The one path answers take (approver → bind → decide → the decision router). */
  answer: AnswerQuestion;
  /** `status` and `weekly`; without them `status` reads the database alone. */
  commands?: ChatCommands;
  /** Platforms that handle Renovate pull requests and reports are later features; until then they say so. */
  unavailable?: Partial<Record<'pull-request' | 'weekly', string>>;
  wake?: () => void;
}

/**
 * An approver's parsed reply, acted on: answers go the one answer path (bound to their question only
 * when that is unambiguous, decided, first answer wins), `details` and `status` are answered from the
 * database, and every problem (no open question, which incident?, an option that does not exist,
 * answered already) is explained in the same conversation.
 */
export function createReplyDesk(
  options: ReplyDeskOptions,
): ReplyHandler & { request: ReturnType<typeof createFreeFormRequests> } {
  /** Answers in the same conversation; a notice about an incident is kept as one of its messages, so quoting it names the incident. */
  async function say(
    context: ReplyContext,
    title: string,
    body: string,
    image?: ChatImage,
    incidentId?: number,
  ): Promise<void> {
    await options.outbox.enqueue({
      channels: [context.platform],
      conversation: context.conversation,
      message: { kind: 'notice', title, body, ...(image ? { image } : {}) },
      ...(incidentId !== undefined ? { incidentId } : {}),
    });
    options.wake?.();
  }

  const sayNotice = (context: ReplyContext, notice: { title: string; body: string }) =>
    say(context, notice.title, notice.body);

  const request = createFreeFormRequests({
    desk: options.desk,
    ...(options.commands ? { commands: options.commands } : {}),
    say: (context, title, body) => say(context, title, body),
  });

  async function answer(reply: AnsweringReply, context: ReplyContext): Promise<void> {
    const outcome = await options.answer({
      platform: context.platform,
      sender: context.sender,
      ...(context.senderAliases ? { senderAliases: context.senderAliases } : {}),
      ...(context.senderName ? { senderName: context.senderName } : {}),
      target: {
        ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}),
        ...(reply.incident !== undefined ? { incident: reply.incident } : {}),
      },
      reply,
      reaction: context.reaction,
    });
    // A reaction that cannot approve is not worth a message; a typed answer is.
    if (context.reaction && outcome.outcome === 'not taken') return;
    // `custom:` with nothing open is a request: Steward looks into it (read-only) instead of refusing.
    if (
      reply.kind === 'custom' &&
      outcome.outcome === 'nothing open' &&
      outcome.incidentId === undefined &&
      (await request(reply.instruction, context))
    )
      return;
    const notice = answerNotice(outcome, reply);
    // An answer about a question is kept as one of its incident's messages, so quoting it names the incident.
    if (notice)
      await say(
        context,
        notice.title,
        notice.body,
        undefined,
        'question' in outcome ? outcome.question?.incidentId : undefined,
      );
  }

  async function details(incident: number | undefined, context: ReplyContext): Promise<void> {
    const bound =
      incident === undefined
        ? await options.desk.bind({
            platform: context.platform,
            ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}),
          })
        : undefined;
    if (bound?.kind === 'ambiguous') {
      const notice = answerNotice({ outcome: 'ambiguous', open: bound.open }, { kind: 'details' });
      return say(context, notice!.title, notice!.body);
    }
    const question = bound?.kind === 'question' ? bound.question : undefined;
    if (question && question.kind.startsWith('pull-request') && options.commands?.pullRequestDetails) {
      const report = await options.commands.pullRequestDetails(question);
      return say(context, report.title, report.body);
    }
    const incidentId =
      incident ?? question?.incidentId ?? (bound?.kind === 'nothing open' ? bound.incidentId : undefined);
    const details = incidentId === undefined ? undefined : await incidentDetails(options.db, incidentId);
    if (!details) {
      return sayNotice(context, noDetails(incident));
    }
    await say(context, details.title, details.body, undefined, incidentId);
  }

  return {
    request,
    async handle(reply, context) {
      if (isAnswer(reply)) return answer(reply, context);
      switch (reply.kind) {
        case 'details':
          return details(reply.incident, context);
        case 'status': {
          const report = options.commands ? await options.commands.status() : await statusReport(options.db);
          return say(context, report.title, report.body);
        }
        case 'weekly':
          if (options.commands?.weekly) {
            const report = await options.commands.weekly();
            return say(context, report.title, report.body, report.image);
          }
          return sayNotice(context, notAvailable(options.unavailable?.weekly));
        case 'pull-request': {
          if (!options.commands?.pullRequest)
            return sayNotice(context, notAvailable(options.unavailable?.[reply.kind]));
          const answer = await options.commands.pullRequest(reply, context, options.answer);
          return answer ? say(context, answer.title, answer.body) : undefined;
        }
        default:
          return undefined; // help and unknown text are answered by the inbound router
      }
    },
  };
}
