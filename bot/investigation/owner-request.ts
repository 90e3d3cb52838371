import { createHash } from 'node:crypto';
import type { Findings } from '../../graphs/findings.ts';
import type { IncidentDispatcher } from '../../graphs/incident-changes.ts';
import type { Queryable } from '../db/pool.ts';
import { createIncidentRepository } from '../db/repositories/incidents.ts';
import { investigate, type InvestigationResult, type InvestigatorDeps } from './investigate.ts';
import { findingsOf, withResult } from './stored-evidence.ts';

/**
 * A request the owner typed with no question open ("check why sonarr is slow"): a read-only
 * investigation of it, within the same budget as an incident's; its findings are what the answer
 * shows (graphs/findings.ts `requestFindings`). Nothing it runs changes anything; a fix is only ever
 * offered through an incident's question.
 */
export async function investigateOwnerRequest(
  deps: InvestigatorDeps,
  text: string,
): Promise<{ findings: Findings; result: InvestigationResult }> {
  const result = await investigate(deps, {
    facts: { request: text },
    labels: {},
    generatorUrls: [],
    earlier: [],
    deep: false,
    question: text,
  });
  const findings = findingsOf({ evidence: [], calls: 0 }, result) ?? { evidence: [], relevant: [] };
  return { findings, result };
}

/**
 * When the model judged that a fix is warranted, the request becomes an incident of its own (source
 * `manual`) carrying what was gathered, and the incident flow offers options for it: the usual
 * question, the usual approval. The same words asked again while it is open find the same incident.
 */
export async function openRequestIncident(
  db: Queryable,
  dispatcher: IncidentDispatcher,
  text: string,
  result: InvestigationResult,
): Promise<number> {
  const incidents = createIncidentRepository(db);
  const externalKey = `request:${createHash('sha256').update(text.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
  const title = text.trim().slice(0, 200);
  const { incident, created } = await incidents.openOrGet({ source: 'manual', externalKey, title });
  if (created) {
    await incidents.mergeAnalysis(incident.id, { investigation: withResult({ evidence: [], calls: 0 }, result) });
    await dispatcher.dispatch({
      kind: 'opened',
      incidentId: incident.id,
      source: 'manual',
      externalKey,
      title,
      addedAlerts: [],
      resolvedAlerts: [],
      firingAlerts: 0,
      truncatedAlerts: 0,
      flapping: false,
      withdrawnQuestions: [],
    });
  }
  return incident.id;
}
