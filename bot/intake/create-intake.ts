import type { IncidentChange, IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { AlertGroupEvent, IntakeEvent, SourceName } from '../../webhooks/intake-event.ts';
import { inTransaction, type Pool } from '../db/pool.ts';
import { createDeliveryRepository } from '../db/repositories/deliveries.ts';
import { createPullRequestRepository } from '../db/repositories/pull-requests.ts';
import { toStoreError } from '../db/store-errors.ts';
import { StewardError } from '../errors.ts';
import type { Logger } from '../logging/index.ts';
import { alertStateDigest, storeAlertGroup } from './store-alert-group.ts';
import { storeContextEvent } from './store-context-event.ts';

export interface Delivery {
  source: SourceName;
  remoteAddress: string;
  /** Already stripped of credentials. */
  headers: Record<string, string>;
  body: unknown;
  /** The sender's id of this delivery (GitHub's X-GitHub-Delivery): a redelivery is stored once. */
  dedupKey?: string;
  /**
   * SHA-256 of a signed body as received: the same signed bytes again are a replay, stored once, even
   * under a new or missing delivery id. Unsigned senders have none (Alertmanager repeats bodies on purpose).
   */
  bodyDigest?: string;
  /** Why the source did not turn it into events (a ping, an event kind not followed). */
  ignored?: string;
}

export interface IntakeResult {
  deliveryId: number;
  changes: IncidentChange[];
  outcome: string;
}

export interface IntakeDeps {
  pool: Pool;
  dispatcher: IncidentDispatcher;
  logger: Logger;
  flapWindowMs: number;
  /** Labels that make alert groups of different sources one incident when they agree (COALESCE_LABELS). */
  coalesceLabels?: readonly string[];
  /** Why a repository event is not Steward's to follow (a repository not listed, a PR not Renovate's); undefined to keep it. */
  skipRepositoryEvent?: (event: Exclude<IntakeEvent, AlertGroupEvent>) => string | undefined;
  /** Told after a commit that stored pull requests, checks or deployments, so their worker looks now. */
  onRepositoryChange?: () => void;
  /** Keeps a stored change the dispatcher could not take, to hand it over later (bot/intake/undelivered-changes.ts). */
  onDispatchFailure?: (change: IncidentChange, error: unknown) => Promise<void>;
}

/**
 * Stores a delivery and what it means in one transaction, then hands the changes to the dispatcher.
 * Either all of it is stored or none (the sender gets a 5xx and retries); the hand-off happens only
 * after the commit, so the flow never sees a change that was rolled back.
 */
export function createIntake(deps: IntakeDeps) {
  /**
   * Most deliveries are repeats (repeat_interval, retries, HA twins). One statement stores the
   * delivery and touches the incident when its alert states are unchanged; it stores nothing
   * otherwise, and the full transaction runs instead.
   */
  async function storeRepeat(
    delivery: Delivery,
    body: string,
    event: AlertGroupEvent,
  ): Promise<IntakeResult | undefined> {
    const deliveryId = await createDeliveryRepository(deps.pool).storeRepeat(
      { source: delivery.source, remoteAddress: delivery.remoteAddress, headers: delivery.headers, body },
      event.groupKey,
      alertStateDigest(event),
    );
    return deliveryId === undefined ? undefined : { deliveryId, changes: [], outcome: 'repeat' };
  }

  /**
   * The delivery and everything it changes, in one transaction. The delivery row comes first: with a
   * dedup key or a body digest, a redelivery or replay finds it there (and waits for a concurrent twin
   * to commit) and stores nothing.
   */
  function storeInTransaction(delivery: Delivery, body: string, events: IntakeEvent[]): Promise<IntakeResult> {
    return inTransaction(deps.pool, async (client) => {
      const deliveries = createDeliveryRepository(client);
      const pullRequests = createPullRequestRepository(client);
      const dedupKey = delivery.dedupKey ?? null;
      const bodyDigest = delivery.bodyDigest ?? null;
      const deliveryId = await deliveries.insert({
        source: delivery.source,
        remoteAddress: delivery.remoteAddress,
        headers: delivery.headers,
        body,
        dedupKey,
        bodyDigest,
      });
      if (deliveryId === undefined)
        return {
          deliveryId: await deliveries.earlier(delivery.source, dedupKey, bodyDigest),
          changes: [],
          outcome: 'duplicate',
        };
      const changes: IncidentChange[] = [];
      const outcomes: string[] = delivery.ignored ? [`ignored: ${delivery.ignored}`] : [];
      for (const event of events) {
        if (event.kind === 'alert-group') {
          const made = await storeAlertGroup(client, event, deps.flapWindowMs, deps.coalesceLabels);
          changes.push(...made);
          outcomes.push(made.length > 0 ? made.map((change) => change.kind).join('+') : 'repeat');
          continue;
        }
        const skipped = event.source === 'github' ? deps.skipRepositoryEvent?.(event) : undefined;
        if (skipped) outcomes.push(`ignored: ${skipped}`);
        else if (event.kind === 'pull-request') outcomes.push(await pullRequests.storeFromGitHub(event));
        else if (event.kind === 'commit-check') outcomes.push(await pullRequests.storeCheck(event));
        else
          outcomes.push(
            (await storeContextEvent(client, event)) ? `${event.eventKind} stored` : `${event.eventKind} duplicate`,
          );
      }
      const outcome = outcomes.join(', ') || 'nothing to store';
      await deliveries.settle(deliveryId, changes[0]?.incidentId ?? null, outcome);
      return { deliveryId, changes, outcome };
    });
  }

  return {
    async accept(delivery: Delivery, events: IntakeEvent[]): Promise<IntakeResult> {
      const only = events.length === 1 ? events[0] : undefined;
      const body = JSON.stringify(delivery.body);
      let stored: IntakeResult;
      try {
        stored =
          (only?.kind === 'alert-group' ? await storeRepeat(delivery, body, only) : undefined) ??
          (await storeInTransaction(delivery, body, events));
      } catch (error) {
        throw asIntakeError(error);
      }
      if (stored.outcome !== 'duplicate' && events.some((event) => event.source === 'github'))
        deps.onRepositoryChange?.();

      for (const change of stored.changes) {
        try {
          await deps.dispatcher.dispatch(change);
        } catch (error) {
          // Stored is stored: answering 5xx now would only make the sender repeat a delivery we have.
          // The change is kept and handed over once the dispatcher works again.
          deps.logger.error(
            { err: error, incidentId: change.incidentId, change: change.kind },
            'dispatch failed; kept for a retry',
          );
          await deps
            .onDispatchFailure?.(change, error)
            .catch((failure: unknown) =>
              deps.logger.error(
                { err: failure, incidentId: change.incidentId },
                'could not keep the change for a retry',
              ),
            );
        }
      }
      return stored;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;

/** PostgreSQL refuses NUL characters in text and JSON: that is the sender's garbage, not our outage. */
function asIntakeError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === '22P05' || code === '22021') {
    return new StewardError('bad_request', 'body contains characters that cannot be stored (NUL or invalid Unicode)', {
      cause: error,
    });
  }
  return toStoreError(error);
}
