import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Queryable } from '../db/pool.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import type { Logger } from '../logging/index.ts';
import { createPeriodicTask } from '../tasks/periodic-task.ts';

const QUEUE = 'incident-updates';

export interface CoalescingOptions {
  inner: IncidentDispatcher;
  coordination: Coordination;
  db: Queryable;
  logger: Logger;
  /** At most one "new alerts" change per incident in this interval. */
  intervalMs: number;
  now?: () => Date;
}

/**
 * New alerts joining an open incident reach the flow (and so the human) at most once per interval:
 * the first batch in a window goes through at once; later ones in the same window are merged into
 * one update when the window ends. The window and the pending update live in the coordination store,
 * so replicas share them and a restart keeps them.
 */
export function createCoalescingDispatcher(
  options: CoalescingOptions,
): IncidentDispatcher & { flushDue(): Promise<number>; start(): void; stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  const windowKey = (incidentId: number) => `update-window:${incidentId}`;
  const incidents = createIncidentRepository(options.db);

  async function forward(change: IncidentChange): Promise<void> {
    await options.inner.dispatch(change);
    await incidents.markUpdateSent(change.incidentId);
  }

  async function dispatch(change: IncidentChange): Promise<void> {
    if (change.kind !== 'alerts_added') {
      // Opening an incident tells the human about every alert in it: that opens a window too.
      if (change.kind === 'opened' || change.kind === 'reopened')
        await options.coordination.claimOnce(windowKey(change.incidentId), options.intervalMs);
      await forward(change);
      return;
    }
    if (await options.coordination.claimOnce(windowKey(change.incidentId), options.intervalMs)) {
      await forward(change);
      return;
    }
    await options.coordination.schedule(
      QUEUE,
      String(change.incidentId),
      new Date(now().getTime() + options.intervalMs),
      { title: change.title, source: change.source, externalKey: change.externalKey },
    );
  }

  /** Sends the merged update of every incident whose window has ended; returns how many were sent. */
  async function flushDue(): Promise<number> {
    const due = await options.coordination.takeDue(QUEUE, now());
    let sent = 0;
    for (const item of due) {
      const incidentId = Number(item.member);
      const merged = await mergedUpdate(
        incidentId,
        item.payload as Pick<IncidentChange, 'title' | 'source' | 'externalKey'>,
      );
      if (!merged) continue;
      await options.coordination.claimOnce(windowKey(incidentId), options.intervalMs);
      await forward(merged);
      sent += 1;
    }
    return sent;
  }

  async function mergedUpdate(
    incidentId: number,
    about: Pick<IncidentChange, 'title' | 'source' | 'externalKey'>,
  ): Promise<IncidentChange | undefined> {
    const first = await incidents.alertsSinceLastUpdate(incidentId);
    if (!first) return undefined; // resolved meanwhile, or nothing new after all
    return {
      kind: 'alerts_added',
      incidentId,
      ...about,
      addedAlerts: first.added,
      resolvedAlerts: [],
      firingAlerts: first.firing,
      truncatedAlerts: first.truncated,
      flapping: first.flapping,
      withdrawnQuestions: [],
    };
  }

  const task = createPeriodicTask(flushDue, {
    everyMs: Math.max(50, Math.min(1_000, Math.floor(options.intervalMs / 4))),
    onError: (error) => options.logger.warn({ err: error }, 'coalesced incident updates failed; retrying'),
  });

  return {
    dispatch,
    flushDue,
    start: task.start,
    stop: task.stop,
  };
}
