import type { OutgoingNotice } from './chat-port.ts';
import { inert } from './inert-text.ts';

/** One fact gathered by an investigation, as messages see it (bot/investigation/ gathers them). */
export interface FindingEvidence {
  /** What makes it the same fact again: the `relevant` list names it. */
  key: string;
  source: 'tool' | 'prometheus' | 'coroot';
  /** The tool and its arguments, the query, or the application: outside text in part. */
  what: string;
  /** The line quoted (outside text). */
  quote: string;
  /** False for a call that failed or was refused: shown by `details`, never as a finding. */
  ok: boolean;
}

/** What an investigation found, as the flow carries it to the next question. */
export interface Findings {
  evidence: FindingEvidence[];
  /** Keys the model said support its diagnosis, most important first. */
  relevant: string[];
  /** The model's diagnosis (outside text). */
  diagnosis?: string;
  /** Steward's own remarks (the budget ran out, no model). */
  notes?: string[];
}

/** Steward's own remarks on an investigation (bot/investigation/ adds them): shown under its findings. */
export const findingNotes = {
  timeRanOut: (seconds: number) =>
    `The investigation's time limit (${seconds} s) ran out before the model answered: the findings are what was gathered.`,
  budgetUsed: (calls: number) => `The investigation used its budget of ${calls} calls.`,
  diagnosisUnusable: 'The model’s diagnosis could not be used: the findings are what was gathered.',
  noModel: 'No model was available for a diagnosis: the findings are what was gathered.',
  nothingNew:
    'Nothing new was gathered: calls made before for this incident are not repeated ("details" shows all evidence).',
};

/** At most this many evidence lines: a question is read on a phone. */
export const MAX_FINDING_LINES = 5;

const SOURCE_ORDER: Record<FindingEvidence['source'], number> = { prometheus: 0, tool: 1, coroot: 2 };

function sourceName(evidence: FindingEvidence): string {
  if (evidence.source === 'prometheus') return `Prometheus ${inert(evidence.what, 80)}`;
  if (evidence.source === 'coroot') return `Coroot ${inert(evidence.what, 60)}`;
  return `tool ${inert(evidence.what, 80)}`;
}

/**
 * The "🔎 Findings" section of a question: at most five lines, each naming its source (the tool and
 * its arguments, the query, the application) and quoting the evidence, the ones the model relied on
 * first; then the model's diagnosis and Steward's notes. Every quoted word is inert. Empty when an
 * investigation found nothing to show. Pure.
 */
export function findingsSection(findings: Findings | undefined): string {
  if (!findings) return '';
  const usable = findings.evidence.filter((evidence) => evidence.ok);
  const rank = (evidence: FindingEvidence) => {
    const at = findings.relevant.indexOf(evidence.key);
    return at >= 0 ? at : findings.relevant.length + SOURCE_ORDER[evidence.source];
  };
  const chosen = [...usable].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_FINDING_LINES);
  const lines = chosen.map((evidence) => `• ${sourceName(evidence)}: “${inert(evidence.quote, 160)}”`);
  if (findings.diagnosis) lines.push(`🤖 ${inert(findings.diagnosis, 400)}`);
  const more = usable.length - chosen.length;
  const notes = [...(findings.notes ?? []), ...(more > 0 ? [`${more} more finding(s): "details" shows all.`] : [])];
  if (lines.length === 0 && notes.length === 0) return '';
  return ['🔎 Findings', ...lines, ...notes].join('\n');
}

/**
 * Findings for a request made in chat ("check why sonarr is slow"): a notice, nothing to decide. When a
 * fix looked warranted, the request became incident `fixIncidentId`, whose options follow. Pure.
 */
export function requestFindings(request: string, findings: Findings, fixIncidentId?: number): OutgoingNotice {
  const section = findingsSection(findings);
  const body = section || 'Nothing could be gathered: no read-only tool, metric or history answered.';
  return {
    kind: 'notice',
    title: `🔎 You asked: “${inert(request, 120)}”`,
    body:
      fixIncidentId === undefined ? body : `${body}\n\nA fix looks warranted: the options follow as #${fixIncidentId}.`,
  };
}
