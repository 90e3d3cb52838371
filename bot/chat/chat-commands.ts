import type { ChatImage } from '../../graphs/chat-port.ts';
import type { Question } from '../../graphs/questions.ts';
import type { Reply, ReplyContext } from '../../graphs/replies.ts';
import type { AnswerQuestion } from './answer-question.ts';

/** A report chat asks for by name: `status` now, `weekly` on demand. */
export interface Report {
  title: string;
  body: string;
  /** A chart, for the platforms that show pictures. */
  image?: ChatImage;
}

/**
 * The commands that are not answers: what `status` and `weekly` produce. Chat starts before the
 * parts that know the answers (models, schedules), so the runtime fills these in once those exist.
 */
export interface ChatCommands {
  status(): Promise<Report>;
  /** Unset until reports run; chat then says the report is not available. */
  weekly?(): Promise<Report>;
  /**
   * `approve PR 47` and its kin; unset without the GitHub webhook. A PR with its own open question is
   * answered through `answer`, the one answer path. Returns what to answer, if anything.
   */
  pullRequest?(
    reply: Extract<Reply, { kind: 'pull-request' }>,
    context: ReplyContext,
    answer: AnswerQuestion,
  ): Promise<Report | undefined>;
  /** `details` on a pull-request question. */
  pullRequestDetails?(question: Question): Promise<Report>;
  /** A free-form request with no question open: a read-only investigation, answered with its findings. Unset: chat answers with help. */
  request?(text: string): Promise<Report>;
}
