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
 * - `ambiguous`: two or more questions are open and the reply did not say which.
 */
export type Binding =
  | { kind: 'question'; question: Question }
  | { kind: 'nothing open'; incidentId?: number }
  | { kind: 'ambiguous'; open: OpenQuestionRef[] };

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
 * nothing binds only when exactly one question is open on its platform. Never a guess.
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
    if (ids.length === 1) return { kind: 'question', question: (await load(ids[0]!))! };
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
