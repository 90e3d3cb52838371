import { inert } from './inert-text.ts';

/**
 * The notices about incident changes no run of the incident flow speaks for (bot/chat/incident-notices.ts
 * decides when): alerts joining, and an incident resolving. Titles are outside text (an alert's). Pure.
 */

/** More alerts joined an open incident: how many, and every firing alert's line (graphs/alert-lines.ts). */
export function alertsAddedNotice(
  incident: { id: number; title: string },
  added: number,
  firing: number,
  alertLines: readonly string[],
): { title: string; body: string } {
  return {
    title: `🔔 #${incident.id} ${inert(incident.title, 120)}: ${added} more alert${added === 1 ? '' : 's'}`,
    body: `${firing} firing now.\n${alertLines.join('\n')}`,
  };
}

/** The follow-up on a question withdrawn because its incident resolved before anyone answered. */
export function resolvedOnItsOwn(incidentId: number): { title: string; body: string } {
  return {
    title: `✅ #${incidentId} resolved on its own`,
    body: 'Every alert resolved before anyone answered; nothing was run.',
  };
}

/** An incident resolved that nobody was asked about. */
export function resolvedNotice(incident: { id: number; title: string }): { title: string; body: string } {
  return {
    title: `✅ #${incident.id} resolved: ${inert(incident.title, 120)}`,
    body: 'Every alert in it has resolved.',
  };
}
