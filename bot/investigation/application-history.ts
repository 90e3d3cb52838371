import type { Queryable } from '../db/pool.ts';
import { createContextEventRepository } from '../db/repositories/context-events.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { keptText, type Evidence } from './evidence.ts';

/** The application an incident is about, as Coroot names it (intake sets `application`). */
export function applicationOf(labels: Record<string, string>): string | undefined {
  return labels.application ?? labels.app ?? labels['app.kubernetes.io/name'] ?? labels.service ?? undefined;
}

/**
 * What happened to the same application lately, from what intake stored: Coroot deployments (the
 * `events` table) and Coroot's other incidents of it. A database read, not a call: it costs no budget.
 */
export async function applicationHistory(
  db: Queryable,
  request: { incidentId: number; application: string; since: Date; maxChars: number },
): Promise<Evidence | undefined> {
  const events = await createContextEventRepository(db).ofSubject(request.application, request.since, 10);
  const incidents = await createIncidentRepository(db).corootOfApplication(
    request.application,
    request.since,
    request.incidentId,
    5,
  );
  if (events.length === 0 && incidents.length === 0) return undefined;
  const time = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = [
    ...events.map((event) => {
      const payload = event.payload;
      const version = typeof payload.version === 'string' ? ` version ${payload.version}` : '';
      const status = typeof payload.status === 'string' ? ` (${payload.status})` : '';
      const summary = typeof payload.summary === 'string' && payload.summary ? `: ${payload.summary}` : '';
      return `${event.kind} of ${event.subject}${version}${status} at ${time(event.occurredAt)}${summary}`;
    }),
    ...incidents.map(
      (incident) =>
        `incident #${incident.id} ${incident.title} at ${time(incident.openedAt)}${incident.closeReason ? ` (${incident.closeReason})` : ''}`,
    ),
  ];
  return {
    key: `coroot:${request.application}`,
    source: 'coroot',
    what: `${request.application}, last ${Math.round((Date.now() - request.since.getTime()) / 3_600_000)}h`,
    quote: keptText(lines[0]! + (lines.length > 1 ? ` (+${lines.length - 1} more)` : ''), request.maxChars),
    text: keptText(lines.join('\n'), request.maxChars),
    ok: true,
    at: new Date().toISOString(),
  };
}
