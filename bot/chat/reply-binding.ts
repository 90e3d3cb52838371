import { AGENT_APPROVAL_KIND } from '../../graphs/agent-approval.ts';
import type { Question } from '../../graphs/questions.ts';
import type { Queryable } from '../db/pool.ts';
import { createOutboxRepository } from '../db/repositories/outbox.ts';
import { createQuestionRepository } from '../db/repositories/questions.ts';

/** An open question a reply might have meant, as "Which incident?" lists it. */
export interface OpenQuestionRef {
  questionId: number;
  incidentId: number | undefined;
  title: string;
}

/**
 * Which question a reply answers, decided only when it is unambiguous:
 * - `question`: the reply named it (quoted any part of it, `N #id`, or it is the only open question);
 * - `nothing open`: the reply named an incident (by `#id`, or by quoting any message of it) that has no
 *   open question, or nothing at all is open;
 * - `ambiguous`: two or more questions are open and the reply did not say which;
 * - `quote it`: the only open question is an agent's and the reply did not quote it: a number meant for
 *   something else must not approve it (see `AGENT_QUESTION_SETTLE_MS`).
 */
export type Binding =
  | { kind: 'question'; question: Question }
  | { kind: 'quote it'; question: Question }
  | { kind: 'nothing open'; incidentId?: number }
  | { kind: 'ambiguous'; open: OpenQuestionRef[] };

/**
 * An MCP agent's question (anyone holding MCP_SERVER_TOKEN can ask one) is answered by quoting it,
 * replying in its thread, or its button, never by a reply that names nothing: an agent could time its
 * question to land just before the owner's `1` for something else, or just after the question the
 * owner meant was withdrawn. A terminal cannot quote, so there a reply that names nothing answers it
 * once it has been the only question on the screen for `AGENT_QUESTION_SETTLE_MS`: shown that long,
 * and no other question closed meanwhile (by the database's clock).
 */
export const AGENT_QUESTION_SETTLE_MS = 30_000;
const PLATFORMS_WITHOUT_QUOTES = new Set(['shell']);

export interface BindTarget {
  platform: string;
  /** The platform message the reply quotes, threads under or reacts to. */
  inReplyTo?: string;
  /** `N #id`: the incident the reply names. */
  incident?: number;
}

/**
 * Binds replies to questions. A quote of a question is that question (whatever became of it: the
 * desk then says it was answered or withdrawn); a quote of any other message of an incident (a
 * notice, an acknowledgement, a follow-up) is that incident's open question; a reply that names
 * nothing binds only when exactly one question is open on its platform (never an agent's, but on a
 * terminal once it has been shown a while). Never a guess.
 */
export function createReplyBinding(db: Queryable, load: (id: number) => Promise<Question | undefined>) {
  const outbox = createOutboxRepository(db);
  const questions = createQuestionRepository(db);

  async function byIncidents(incidentIds: readonly number[]): Promise<Binding> {
    const open = await questions.latestOpenOfIncidents(incidentIds);
    if (open.length === 1) return { kind: 'question', question: (await load(open[0]!))! };
    if (open.length === 0)
      return incidentIds.length === 1
        ? { kind: 'nothing open', incidentId: incidentIds[0]! }
        : { kind: 'nothing open' };
    return { kind: 'ambiguous', open: await questions.summaries(open) };
  }

  async function onPlatform(platform: string): Promise<Binding> {
    const ids = await questions.openOnPlatform(platform);
    if (ids.length === 0) return { kind: 'nothing open' };
    if (ids.length === 1) {
      const question = (await load(ids[0]!))!;
      if (question.kind !== AGENT_APPROVAL_KIND) return { kind: 'question', question };
      const settled =
        PLATFORMS_WITHOUT_QUOTES.has(platform) &&
        ((await questions.aloneOnPlatformFor(question.id, platform)) ?? 0) >= AGENT_QUESTION_SETTLE_MS;
      return settled ? { kind: 'question', question } : { kind: 'quote it', question };
    }
    return { kind: 'ambiguous', open: await questions.summaries(ids) };
  }

  return {
    async bind(target: BindTarget): Promise<Binding> {
      if (target.incident !== undefined) return byIncidents([target.incident]);
      if (target.inReplyTo) {
        const sent = await outbox.sentAs(target.platform, target.inReplyTo);
        const asked = sent.find((row) => row.kind === 'question' && row.questionId !== undefined);
        if (asked) {
          const question = await load(asked.questionId!);
          if (question) return { kind: 'question', question };
        }
        const incidents = [...new Set(sent.flatMap((row) => (row.incidentId !== undefined ? [row.incidentId] : [])))];
        if (incidents.length > 0) return byIncidents(incidents);
        // A follow-up of a question that belongs to no incident (a pull request's) stands for it.
        const followed = sent.find((row) => row.questionId !== undefined);
        const question = followed ? await load(followed.questionId!) : undefined;
        if (question) return { kind: 'question', question };
      }
      return onPlatform(target.platform);
    },
  };
}
