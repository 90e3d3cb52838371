import type { ChatImage } from '../../graphs/chat-port.ts';
import type { DecisionListener } from '../../graphs/questions.ts';
import { describeAnswer } from '../../graphs/questions.ts';
import type { Reply, ReplyContext, ReplyHandler } from '../../graphs/replies.ts';
import type { Queryable } from '../db/pool.ts';
import type { OutboxRepository } from '../outbox/outbox-repository.ts';
import { answerFor, isAnswer } from './answer-for.ts';
import { incidentDetails } from './incident-details.ts';
import type { QuestionDesk } from './question-desk.ts';
import type { ChatCommands } from './chat-commands.ts';
import { statusReport } from './status-report.ts';

export interface ReplyDeskOptions {
  db: Queryable;
  desk: QuestionDesk;
  outbox: OutboxRepository;
  listener: DecisionListener;
  /** `status` and `weekly`; without them `status` reads the database alone. */
  commands?: ChatCommands;
  /** Platforms that handle Renovate pull requests and reports are later features; until then they say so. */
  unavailable?: Partial<Record<'pull-request' | 'weekly', string>>;
  wake?: () => void;
}

/**
 * An approver's parsed reply, acted on: answers are bound to their question and decided (first answer
 * wins), `details` and `status` are answered from the database, and every problem (no open
 * question, an option that does not exist, answered already) is explained in the same conversation.
 */
export function createReplyDesk(options: ReplyDeskOptions): ReplyHandler {
  async function say(context: ReplyContext, title: string, body: string, image?: ChatImage): Promise<void> {
    await options.outbox.enqueue({ channels: [context.platform], conversation: context.conversation, message: { kind: 'notice', title, body, ...(image ? { image } : {}) } });
    options.wake?.();
  }

  async function answer(reply: Extract<Reply, { kind: 'choose' | 'approve' | 'ignore' | 'snooze' | 'custom' | 'autonomy' }>, context: ReplyContext): Promise<void> {
    const bound = await options.desk.bind({ platform: context.platform, ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}), ...(reply.incident !== undefined ? { incident: reply.incident } : {}) });
    if (!bound) {
      await say(context, 'Nothing to answer', reply.incident !== undefined ? `Incident #${reply.incident} has no open question.` : 'There is no open question. Reply "status" to see what is going on.');
      return;
    }
    const { question } = bound;
    const checked = answerFor(reply, question, context.reaction);
    if (!checked.ok) {
      // A reaction that cannot approve is not worth a message; a typed answer is.
      if (!context.reaction) await say(context, `#${question.incidentId ?? question.id}: not taken`, checked.problem);
      return;
    }
    const result = await options.desk.decide(question.id, checked.answer, context.sender, context.platform, context.senderName ?? context.sender);
    if (result.outcome === 'already answered') {
      await say(context, `#${question.incidentId ?? question.id} was already answered`, `${result.actorName} chose ${describeAnswer(result.answer)} via ${result.channel}; your answer was not used.`);
      return;
    }
    if (result.outcome === 'closed') {
      await say(context, `#${question.incidentId ?? question.id} no longer needs an answer`, `The question was ${result.status}; your answer was not used.`);
      return;
    }
    if (bound.otherOpen.length > 0 && !context.inReplyTo && reply.incident === undefined) {
      await say(context, `Taken for #${question.incidentId ?? question.id}`, `Other incidents are waiting too: ${bound.otherOpen.map((id) => `#${id}`).join(', ')}. Add the number to answer one of them, e.g. "1 #${bound.otherOpen[0]}".`);
    }
    await options.listener.onDecision({
      questionId: question.id,
      incidentId: question.incidentId,
      questionKind: question.kind,
      answer: checked.answer,
      actor: context.sender,
      channel: context.platform,
    });
  }

  async function details(incident: number | undefined, context: ReplyContext): Promise<void> {
    const bound = incident === undefined ? await options.desk.bind({ platform: context.platform, ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}) }) : undefined;
    if (bound && bound.question.kind.startsWith('pull-request') && options.commands?.pullRequestDetails) {
      const report = await options.commands.pullRequestDetails(bound.question);
      return say(context, report.title, report.body);
    }
    const incidentId = incident ?? bound?.question.incidentId;
    const details = incidentId === undefined ? undefined : await incidentDetails(options.db, incidentId);
    if (!details) {
      await say(context, 'No details', incident !== undefined ? `There is no incident #${incident}.` : 'There is no open question to give details of.');
      return;
    }
    await say(context, details.title, details.body);
  }

  return {
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
          return say(context, 'Not available', options.unavailable?.weekly ?? 'This command is not available in this version of Steward.');
        case 'pull-request': {
          if (!options.commands?.pullRequest) return say(context, 'Not available', options.unavailable?.[reply.kind] ?? 'This command is not available in this version of Steward.');
          const answer = await options.commands.pullRequest(reply, context);
          return answer ? say(context, answer.title, answer.body) : undefined;
        }
        default:
          return undefined; // help and unknown text are answered by the inbound router
      }
    },
  };
}
