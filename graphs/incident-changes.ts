/**
 * The incident flow's input: what happened to an incident when a delivery was stored. Intake hands
 * every change to one dispatcher, after the change is committed; the flow (graphs/incident) is the
 * dispatcher's real consumer.
 */
export type IncidentChangeKind = 'opened' | 'reopened' | 'alerts_added' | 'alerts_resolved' | 'resolved';

export interface IncidentChange {
  kind: IncidentChangeKind;
  incidentId: number;
  source: string;
  externalKey: string;
  title: string;
  /** Fingerprints that started (or started again) firing with this change. */
  addedAlerts: string[];
  /** Fingerprints that stopped firing with this change. */
  resolvedAlerts: string[];
  firingAlerts: number;
  truncatedAlerts: number;
  flapping: boolean;
  /** Questions that were open and are withdrawn because the incident resolved on its own. */
  withdrawnQuestions: number[];
}

export interface IncidentDispatcher {
  dispatch(change: IncidentChange): Promise<void>;
}
