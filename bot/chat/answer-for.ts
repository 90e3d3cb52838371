import type { Reply } from '../../graphs/replies.ts';
import type { Answer, Question } from '../../graphs/questions.ts';
import { answerProblem } from '../../graphs/reply-messages.ts';
import { describeCalls } from '../../graphs/tool-call.ts';

export type AnswerCheck = { ok: true; answer: Answer } | { ok: false; problem: string };

export type AnsweringReply = Extract<
  Reply,
  { kind: 'choose' | 'approve' | 'ignore' | 'snooze' | 'custom' | 'autonomy' }
>;

/**
 * What a reply means for one question, or why it cannot answer it. Pure. `approve` (and a 👍
 * reaction) only stands for the question's default option; a number must be one of its options.
 */
export function answerFor(
  reply: AnsweringReply,
  question: Pick<Question, 'options' | 'defaultOption'>,
  viaReaction = false,
): AnswerCheck {
  const range = question.options.length > 0 ? `1–${question.options.length}` : 'none';
  const option = (number: number): AnswerCheck => {
    const chosen = question.options.find((candidate) => candidate.number === number);
    if (!chosen) return { ok: false, problem: answerProblem.noSuchOption(number, range) };
    // An option that runs tools is named by its calls wherever the answer is repeated (the
    // acknowledgement, the audit trail), never by a model's label for it.
    const label = chosen.calls && chosen.calls.length > 0 ? describeCalls(chosen.calls) : chosen.label;
    return { ok: true, answer: { kind: 'option', option: chosen.number, label } };
  };
  switch (reply.kind) {
    case 'choose':
      return option(reply.option);
    case 'approve':
      if (question.defaultOption !== undefined) return option(question.defaultOption);
      return {
        ok: false,
        problem: viaReaction ? answerProblem.reactionWithoutDefault : answerProblem.approveWhich(range),
      };
    case 'autonomy': {
      const chosen = question.options.find((candidate) => candidate.label.toLowerCase().startsWith(reply.answer));
      return chosen
        ? option(chosen.number)
        : {
            ok: false,
            problem: answerProblem.notNextTime(reply.answer, range),
          };
    }
    case 'ignore':
      return { ok: true, answer: { kind: 'ignore' } };
    case 'snooze':
      return { ok: true, answer: { kind: 'snooze', durationMs: reply.durationMs } };
    case 'custom':
      return { ok: true, answer: { kind: 'custom', instruction: reply.instruction } };
  }
}

export function isAnswer(reply: Reply): reply is AnsweringReply {
  return ['choose', 'approve', 'ignore', 'snooze', 'custom', 'autonomy'].includes(reply.kind);
}
