import { type Answer, type DecisionListener, type Question } from '../../graphs/questions.ts';
import {
  alreadyAnswered,
  answerNotTaken,
  noLongerNeedsAnswer,
  nothingToAnswer,
  quoteAgentQuestion,
  whichIncident,
} from '../../graphs/reply-messages.ts';
import type { Reply } from '../../graphs/replies.ts';
import { answerFor, type AnsweringReply } from './answer-for.ts';
import type { ApproverCheck } from './approvers.ts';
import type { QuestionDesk } from './question-desk.ts';
import type { OpenQuestionRef } from './reply-binding.ts';

export interface AnswerInput {
  platform: string;
  sender: string;
  /** Other identities of the sender (a Signal number beside its UUID, a Mattermost username). */
  senderAliases?: readonly string[];
  senderName?: string;
  /**
   * A button names its question itself (its context is signed); a written reply is bound by what it
   * quotes or threads under, by `N #id`, or by being the only open question.
   */
  target: { questionId: number } | { inReplyTo?: string; incident?: number };
  reply: AnsweringReply;
  reaction?: boolean;
}

export type AnswerOutcome =
  | { outcome: 'not an approver' }
  | { outcome: 'nothing open'; incidentId?: number }
  | { outcome: 'ambiguous'; open: OpenQuestionRef[] }
  | { outcome: 'quote it'; question: Question }
  | { outcome: 'not taken'; question: Question; problem: string }
  | { outcome: 'decided'; question: Question; answer: Answer }
  | { outcome: 'already answered'; question: Question; actorName: string; channel: string; answer: Answer }
  | { outcome: 'closed'; question: Question | undefined; status: Question['status'] };

export type AnswerQuestion = (input: AnswerInput) => Promise<AnswerOutcome>;

/**
 * The one path every answer takes, on every channel (Signal and Mattermost replies, Mattermost
 * buttons and slash commands, the terminal): approver check → bind to a question → decide (the first
 * answer wins; the decision records a digest of the calls the chosen option showed) → the decision
 * router. The router is given when this is built, before any channel receives anything.
 */
export function createAnswerQuestion(deps: {
  desk: QuestionDesk;
  isApprover: ApproverCheck;
  decisions: DecisionListener;
}): AnswerQuestion {
  return async (input) => {
    if (!deps.isApprover(input.platform, [input.sender, ...(input.senderAliases ?? [])]))
      return { outcome: 'not an approver' };
    let question: Question | undefined;
    if ('questionId' in input.target) {
      question = await deps.desk.get(input.target.questionId);
      if (!question) return { outcome: 'closed', question: undefined, status: 'withdrawn' };
    } else {
      const bound = await deps.desk.bind({ platform: input.platform, ...input.target });
      if (bound.kind === 'ambiguous') return { outcome: 'ambiguous', open: bound.open };
      if (bound.kind === 'quote it') return { outcome: 'quote it', question: bound.question };
      if (bound.kind === 'nothing open')
        return { outcome: 'nothing open', ...(bound.incidentId !== undefined ? { incidentId: bound.incidentId } : {}) };
      question = bound.question;
    }
    const checked = answerFor(input.reply, question, input.reaction === true);
    if (!checked.ok) return { outcome: 'not taken', question, problem: checked.problem };
    const result = await deps.desk.decide(
      question.id,
      checked.answer,
      input.sender,
      input.platform,
      input.senderName ?? input.sender,
    );
    if (result.outcome === 'already answered')
      return {
        outcome: 'already answered',
        question,
        actorName: result.actorName,
        channel: result.channel,
        answer: result.answer,
      };
    if (result.outcome === 'closed') return { outcome: 'closed', question, status: result.status };
    await deps.decisions.onDecision({
      questionId: question.id,
      incidentId: question.incidentId,
      questionKind: question.kind,
      answer: checked.answer,
      actor: input.sender,
      channel: input.platform,
    });
    return { outcome: 'decided', question, answer: checked.answer };
  };
}

/**
 * What a written reply is told about its answer, or nothing when the acknowledgement on the question
 * says it ("✔ #12: 1. Yes" goes to every channel). `reply` is what was written, for the example.
 */
export function answerNotice(outcome: AnswerOutcome, reply: Reply): { title: string; body: string } | undefined {
  switch (outcome.outcome) {
    case 'decided':
    case 'not an approver':
      return undefined;
    case 'nothing open':
      return nothingToAnswer(outcome.incidentId);
    case 'ambiguous': {
      const first = outcome.open.find((open) => open.incidentId !== undefined);
      const example = first ? `${exampleOf(reply)} #${first.incidentId}` : undefined;
      return whichIncident(outcome.open, example);
    }
    case 'quote it':
      return quoteAgentQuestion(outcome.question);
    case 'not taken':
      return answerNotTaken(outcome.question, outcome.problem);
    case 'already answered':
      return alreadyAnswered(outcome.question, outcome);
    case 'closed':
      return noLongerNeedsAnswer(outcome.question, outcome.status);
  }
}

/** The reply as the example of "Which incident?" writes it: `1`, `approve`, `snooze 2h` … */
function exampleOf(reply: Reply): string {
  switch (reply.kind) {
    case 'choose':
      return String(reply.option);
    case 'snooze':
      return 'snooze';
    case 'custom':
      return 'custom: …';
    case 'autonomy':
      return reply.answer;
    default:
      return reply.kind;
  }
}
