import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import { alertsAddedNotice, resolvedNotice, resolvedOnItsOwn } from '../../graphs/incident-notices.ts';
import type { Queryable } from '../db/pool.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import type { OutboxRepository } from '../db/repositories/outbox.ts';
import { summarizeIncident } from './incident-summary.ts';
import type { QuestionDesk } from './question-desk.ts';

export interface IncidentNoticesOptions {
  db: Queryable;
  desk: QuestionDesk;
  outbox: OutboxRepository;
  channels: readonly string[];
  wake?: () => void;
  /**
   * Past `verbose`, low-priority notices (more alerts joining, a resolution nobody waited for, on an
   * incident that is not critical) wait for the next digest slot of this length and go out merged.
   * 0 sends every notice at once.
   */
  digestMs?: number;
}

/**
 * Tells the human about the incident changes no run of the incident flow speaks for (the flow asks
 * "Is this a problem?" itself): alerts joining an incident are one (coalesced) notice; an incident
 * that resolves while its question is open withdraws the question with one "resolved on its own"
 * follow-up, and nothing runs; a resolution nobody waited for is one notice.
 */
export function createIncidentNotices(options: IncidentNoticesOptions): IncidentDispatcher {
  async function notice(change: IncidentChange, title: string, body: string): Promise<void> {
    const digestMs = options.digestMs ?? 0;
    const critical = digestMs > 0 && (await createIncidentRepository(options.db).isCritical(change.incidentId));
    if (digestMs > 0 && !critical) {
      // Aligned slots, so that every low-priority notice of the same half hour leaves together.
      const notBefore = new Date(Math.ceil(Date.now() / digestMs) * digestMs);
      await options.outbox.enqueue({
        channels: options.channels,
        message: { kind: 'notice', title, body, digest: true },
        incidentId: change.incidentId,
        notBefore,
      });
      return;
    }
    await options.outbox.enqueue({
      channels: options.channels,
      message: { kind: 'notice', title, body },
      incidentId: change.incidentId,
    });
    options.wake?.();
  }

  return {
    async dispatch(change) {
      switch (change.kind) {
        case 'opened':
        case 'reopened':
          return; // asked by the incident flow (bot/flow)
        case 'alerts_added': {
          const summary = await summarizeIncident(options.db, change.incidentId);
          if (!summary) return;
          const { title, body } = alertsAddedNotice(
            { id: change.incidentId, title: change.title },
            change.addedAlerts.length,
            change.firingAlerts,
            summary.lines,
          );
          await notice(change, title, body);
          return;
        }
        case 'resolved':
          if (change.withdrawnQuestions.length > 0) {
            const { title, body } = resolvedOnItsOwn(change.incidentId);
            await options.desk.announceWithdrawn(change.withdrawnQuestions, title, body);
          } else {
            const { title, body } = resolvedNotice({ id: change.incidentId, title: change.title });
            await notice(change, title, body);
          }
          return;
        case 'alerts_resolved':
          return; // part of an incident resolving is not worth a message; `details` shows it
      }
    },
  };
}
