import { findingNotes, type Findings } from '../../graphs/findings.ts';
import type { Evidence } from './evidence.ts';
import type { InvestigationResult } from './investigate.ts';

/** Evidence kept per incident (in `incidents.analysis.investigation`): the newest this many. */
const KEPT = 40;

/** What an incident's analysis keeps of its investigations, for `details`, the proposals and the next round. */
export interface StoredInvestigation {
  evidence: Evidence[];
  diagnosis?: string;
  /** Calls made for the incident in all. */
  calls: number;
}

export function storedInvestigation(analysis: Record<string, unknown>): StoredInvestigation {
  const stored = analysis.investigation as Partial<StoredInvestigation> | undefined;
  return {
    evidence: Array.isArray(stored?.evidence) ? stored.evidence : [],
    calls: typeof stored?.calls === 'number' ? stored.calls : 0,
    ...(typeof stored?.diagnosis === 'string' ? { diagnosis: stored.diagnosis } : {}),
  };
}

/** The record after one more investigation: earlier evidence kept, the new added. */
export function withResult(before: StoredInvestigation, result: InvestigationResult): StoredInvestigation {
  const diagnosis = result.diagnosis ?? before.diagnosis;
  return {
    evidence: [...before.evidence, ...result.evidence].slice(-KEPT),
    calls: before.calls + result.calls,
    ...(diagnosis ? { diagnosis } : {}),
  };
}

/**
 * What the next question shows of one investigation: what it gathered, and what was gathered before
 * that the model relied on. Undefined when there is nothing at all to say.
 */
export function findingsOf(before: StoredInvestigation, result: InvestigationResult): Findings | undefined {
  const relevantEarlier = before.evidence.filter((evidence) => result.relevant.includes(evidence.key));
  const evidence = [...result.evidence, ...relevantEarlier].map(({ key, source, what, quote, ok }) => ({
    key,
    source,
    what,
    quote,
    ok,
  }));
  const notes = [...result.notes];
  if (result.evidence.length === 0 && before.evidence.length > 0) notes.push(findingNotes.nothingNew);
  if (evidence.length === 0 && !result.diagnosis && notes.length === 0) return undefined;
  return { evidence, relevant: result.relevant, ...(result.diagnosis ? { diagnosis: result.diagnosis } : {}), notes };
}

/** The evidence as the proposal and plan models see it (data). */
export function evidenceFacts(stored: StoredInvestigation): { source: string; what: string; result: string }[] {
  return stored.evidence
    .filter((evidence) => evidence.ok)
    .map((evidence) => ({ source: evidence.source, what: evidence.what, result: evidence.text }));
}
