import { answered, questionExpired } from '../../graphs/reply-messages.ts';
import {
  describeAnswer,
  questionMessage,
  type Answer,
  type Question,
  type QuestionRequest,
} from '../../graphs/questions.ts';
import { actionDigest } from '../../graphs/tool-call.ts';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { createAuditLog } from '../db/repositories/audit-log.ts';
import { createDecisionRepository } from '../db/repositories/decisions.ts';
import { createOutboxRepository } from '../db/repositories/outbox.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';
import { createReplyBinding, type BindTarget, type Binding } from './reply-binding.ts';

export type DecideResult =
  | { outcome: 'decided' }
  | { outcome: 'already answered'; actor: string; actorName: string; channel: string; answer: Answer }
  | { outcome: 'closed'; status: Question['status'] };

export interface QuestionDeskOptions {
  pool: Pool;
  /** Every configured chat platform: each question goes to all of them. */
  channels: readonly string[];
  /** Called after messages were queued, so the outbox sends them now. */
  wake?: () => void;
  /** A question not answered in this time expires (default 24 h). */
  ttlMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Questions across every chat channel: asked once on each, bound to the replies that answer them,
 * decided by the first valid answer (the decisions row is the claim), and followed up on every
 * channel with who answered and how, or with why the question no longer stands.
 */
export function createQuestionDesk(options: QuestionDeskOptions) {
  const { pool } = options;
  const questions = createQuestionRepository(pool);
  const binding = createReplyBinding(pool, (id) => questions.get(id));

  /** Follows a question up on every channel it went to; copies not yet sent are cancelled instead. */
  async function followUpEverywhere(
    client: PoolClient,
    question: Question,
    title: string,
    body: string,
  ): Promise<void> {
    const outbox = createOutboxRepository(client);
    await outbox.cancelUnsentQuestion(question.id);
    await outbox.enqueue({
      channels: await outbox.channelsOfQuestion(question.id),
      message: { kind: 'follow-up', questionId: String(question.id), original: questionMessage(question), title, body },
      dedupKey: `question:${question.id}:follow-up`,
      questionId: question.id,
      ...(question.incidentId !== undefined ? { incidentId: question.incidentId } : {}),
    });
  }

  return {
    /**
     * Asks on every channel; the same `askKey` for the same incident asks once. Returns the question id.
     * `ttlMs` overrides the desk's time to answer for this question; `alsoStore` writes the asker's own
     * row in the same transaction, so that the question never goes out without it.
     */
    async ask(
      request: QuestionRequest,
      extra: { ttlMs?: number; alsoStore?: (client: PoolClient, questionId: number) => Promise<void> } = {},
    ): Promise<number> {
      const id = await inTransaction(pool, async (client) => {
        const inTx = createQuestionRepository(client);
        const questionId = await inTx.insertAsked(request, extra.ttlMs ?? options.ttlMs ?? DAY_MS);
        if (questionId === undefined) return (await inTx.idOfAskKey(request.incidentId, request.askKey!))!;
        await extra.alsoStore?.(client, questionId);
        const question = (await inTx.get(questionId))!;
        await createOutboxRepository(client).enqueue({
          channels: options.channels,
          message: questionMessage(question),
          dedupKey: `question:${questionId}`,
          questionId,
          ...(request.incidentId !== undefined ? { incidentId: request.incidentId } : {}),
        });
        return questionId;
      });
      options.wake?.();
      return id;
    },

    get: (id: number) => questions.get(id),

    /** Which question a reply answers, only when that is unambiguous (see reply-binding.ts). */
    bind: (target: BindTarget): Promise<Binding> => binding.bind(target),

    /**
     * Records the answer if it is the first for an open question, audits it, and follows the question
     * up everywhere. A later answer learns who answered first; nothing else changes.
     */
    async decide(
      questionId: number,
      answer: Answer,
      actor: string,
      channel: string,
      actorName = actor,
    ): Promise<DecideResult> {
      const result = await inTransaction(pool, async (client): Promise<DecideResult> => {
        const inTx = createQuestionRepository(client);
        const decisions = createDecisionRepository(client);
        const question = await inTx.get(questionId, true);
        if (!question) return { outcome: 'closed', status: 'withdrawn' };
        if (question.status !== 'open') {
          const first = await decisions.forQuestion(questionId);
          if (!first) return { outcome: 'closed', status: question.status };
          return {
            outcome: 'already answered',
            actor: first.actor,
            actorName: first.actorName,
            channel: first.channel,
            answer: first.answer,
          };
        }
        // What the chosen option showed, digested: the runner runs nothing else for this decision.
        const shown =
          answer.kind === 'option'
            ? question.options.find((option) => option.number === answer.option)?.calls
            : undefined;
        const digest = shown && shown.length > 0 ? actionDigest(shown) : null;
        await decisions.record({ questionId, answer, actor, actorName, channel, actionDigest: digest });
        await inTx.markAnswered(questionId);
        await createAuditLog(client).record({
          actor,
          channel,
          action: 'question.answer',
          subject: question.incidentId !== undefined ? `incident:${question.incidentId}` : `question:${questionId}`,
          outcome: describeAnswer(answer),
          details: {
            questionId,
            kind: question.kind,
            ...(actorName !== actor ? { name: actorName } : {}),
            ...(digest ? { actionDigest: digest } : {}),
          },
        });
        const ack = answered(question, answer, actorName, channel);
        await followUpEverywhere(client, question, ack.title, ack.body);
        return { outcome: 'decided' };
      });
      options.wake?.();
      return result;
    },

    /**
     * Says on every channel why questions no longer stand (intake already marked them withdrawn in
     * its own transaction, e.g. "resolved on its own").
     */
    async announceWithdrawn(questionIds: readonly number[], title: string, body: string): Promise<void> {
      for (const id of questionIds) {
        await inTransaction(pool, async (client) => {
          const question = await createQuestionRepository(client).get(id, true);
          if (question) await followUpEverywhere(client, question, title, body);
        });
      }
      if (questionIds.length > 0) options.wake?.();
    },

    /**
     * Questions nobody answered in time: marked expired (one replica wins each, by the UPDATE) and
     * followed up everywhere; nothing runs. Returns them, for the flow to end its wait.
     */
    async expire(): Promise<{ questionId: number; incidentId: number | undefined }[]> {
      const expired = await questions.expireDue();
      for (const row of expired) {
        await inTransaction(pool, async (client) => {
          const question = await createQuestionRepository(client).get(row.questionId, true);
          if (question) {
            const expired = questionExpired(question);
            await followUpEverywhere(client, question, expired.title, expired.body);
          }
        });
      }
      if (expired.length > 0) options.wake?.();
      return expired;
    },

    /** Open questions, newest first, for `status`. */
    listOpen: (): Promise<Question[]> => questions.listOpen(),
  };
}

export type QuestionDesk = ReturnType<typeof createQuestionDesk>;
