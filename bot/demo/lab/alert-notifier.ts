import { backoffDelay } from '../../../graphs/backoff.ts';
import { alertmanagerPayload, groupOf, type AlertGroup } from './alertmanager-payload.ts';
import type { LabAlert } from './lab-state.ts';

export interface NotifierOptions {
  /** Steward's Alertmanager route, e.g. http://127.0.0.1:8080/webhooks/alertmanager. */
  url: string;
  /** Sent as `Authorization: Bearer …`, as Alertmanager's `http_config.authorization` does. */
  token?: string;
  /** Told of every notification and its answer (the lab's event log). */
  record: (event: Record<string, unknown>) => void;
  /** Called once a resolved alert has been delivered, so the lab can forget it. */
  delivered: (alert: LabAlert) => void;
  /** Where the backlinks point; the lab has no real Alertmanager. */
  externalUrl?: string;
  /** First retry delay, doubled per failure up to 10 s (default 500 ms). */
  retryMs?: number;
}

interface GroupState {
  group: AlertGroup;
  /** Fingerprints last notified as firing. */
  notifiedFiring: Set<string>;
  failures: number;
  notBefore: number;
}

/**
 * The lab's Alertmanager: groups alerts by alert name and namespace and posts a group when it changed
 * as Alertmanager's dedup stage decides (a new firing alert, or an alert notified as firing that has
 * resolved; send_resolved is on), with the real v4 payload. A network error or a 5xx is retried with
 * backoff, as Alertmanager retries; a 4xx is not retried at once.
 */
export function createAlertNotifier(options: NotifierOptions) {
  const groups = new Map<string, GroupState>();
  const retryMs = options.retryMs ?? 500;
  const externalUrl = options.externalUrl ?? 'http://alertmanager.demo-lab.invalid:9093';
  let busy = false;

  function needsUpdate(state: GroupState, alerts: readonly LabAlert[]): boolean {
    const firing = alerts.filter((alert) => !alert.endsAt);
    if (firing.some((alert) => !state.notifiedFiring.has(alert.fingerprint))) return true;
    return alerts.some((alert) => alert.endsAt && state.notifiedFiring.has(alert.fingerprint));
  }

  async function post(state: GroupState, alerts: readonly LabAlert[]): Promise<boolean> {
    const body = alertmanagerPayload(state.group, alerts, externalUrl);
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Alertmanager/0.28.1',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      options.record({
        event: 'notification',
        groupKey: body.groupKey,
        status: body.status,
        alerts: body.alerts.map((alert) => ({ pod: alert.labels.pod, status: alert.status })),
        answer: response.status,
      });
      return response.ok;
    } catch (error) {
      // Steward is not listening yet, or went away: Alertmanager retries the same way.
      if (state.failures === 0)
        options.record({
          event: 'notification-failed',
          groupKey: body.groupKey,
          status: body.status,
          error: (error as Error).message,
        });
      return false;
    }
  }

  return {
    /** Posts every group whose state changed since it was last delivered; one post at a time. */
    async flush(alerts: readonly LabAlert[]): Promise<void> {
      if (busy) return;
      busy = true;
      try {
        const byGroup = new Map<string, { group: AlertGroup; alerts: LabAlert[] }>();
        for (const alert of alerts) {
          const group = groupOf(alert);
          const entry = byGroup.get(group.key) ?? { group, alerts: [] };
          entry.alerts.push(alert);
          byGroup.set(group.key, entry);
        }
        for (const { group, alerts: members } of byGroup.values()) {
          const state = groups.get(group.key) ?? {
            group,
            notifiedFiring: new Set<string>(),
            failures: 0,
            notBefore: 0,
          };
          groups.set(group.key, state);
          if (!needsUpdate(state, members) || Date.now() < state.notBefore) continue;
          // Resolved alerts go out only to tell that what was notified as firing has ended.
          const sent = members.filter((alert) => !alert.endsAt || state.notifiedFiring.has(alert.fingerprint));
          if (await post(state, sent)) {
            state.failures = 0;
            state.notifiedFiring = new Set(sent.filter((alert) => !alert.endsAt).map((alert) => alert.fingerprint));
            for (const alert of members) if (alert.endsAt) options.delivered(alert);
          } else {
            state.notBefore = Date.now() + backoffDelay(state.failures, { baseMs: retryMs, maxMs: 10_000 });
            state.failures += 1;
          }
        }
      } finally {
        busy = false;
      }
    },
  };
}
