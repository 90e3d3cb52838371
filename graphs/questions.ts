import type { ChatOption, OutgoingQuestion } from './chat-port.ts';
import { inert } from './inert-text.ts';
import { formatDuration } from './durations.ts';

/**
 * Questions the flows put to the human, and the answers that come back. A question goes to every
 * configured chat channel; the first valid answer on any of them is the decision.
 */
export interface QuestionRequest {
  incidentId?: number;
  /** What is being asked: `problem` (is this a problem?), `solution` (which fix?), `autonomy` (next time?) … */
  kind: string;
  title: string;
  body: string;
  options: ChatOption[];
  replyHint: string;
  /** The option `approve` and a 👍 reaction stand for; without it they must name an option. */
  defaultOption?: number;
  /** The flow's own key for this question (its interrupt id): asking again with it asks once. */
  askKey?: string;
}

export interface Question extends Required<Omit<QuestionRequest, 'incidentId' | 'defaultOption' | 'askKey'>> {
  id: number;
  incidentId: number | undefined;
  defaultOption: number | undefined;
  status: 'open' | 'answered' | 'expired' | 'withdrawn';
  createdAt: Date;
}

/** What a decision says, whatever words the human used. */
export type Answer =
  | { kind: 'option'; option: number; label: string }
  | { kind: 'ignore' }
  | { kind: 'snooze'; durationMs: number }
  | { kind: 'custom'; instruction: string };

export interface Decision {
  questionId: number;
  incidentId: number | undefined;
  questionKind: string;
  answer: Answer;
  actor: string;
  channel: string;
}

/** The flow's side: told of each decision once, after it is stored. */
export interface DecisionListener {
  onDecision(decision: Decision): Promise<void>;
}

/** One line saying what an answer chose, for follow-ups and the audit log. */
export function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case 'option':
      return `${answer.option}. ${answer.label}`;
    case 'ignore':
      return 'ignore';
    case 'snooze':
      return `snooze ${formatDuration(answer.durationMs)}`;
    case 'custom':
      // The owner's own words, but free text: one line, so an acknowledgement's title stays one line.
      return `custom: ${inert(answer.instruction, 200)}`;
  }
}

/** The question as a chat message: what every channel is sent, and what an edit redraws. */
export function questionMessage(
  question: Pick<Question, 'id' | 'title' | 'body' | 'options' | 'replyHint'>,
): OutgoingQuestion {
  return {
    kind: 'question',
    questionId: String(question.id),
    title: question.title,
    body: question.body,
    options: question.options,
    replyHint: question.replyHint,
  };
}
