import type { ChatOption } from './chat-port.ts';
import { inert, quotedLines } from './inert-text.ts';
import { actionDigest, describeCall, type ToolCall } from './tool-call.ts';

/** What the models said, as the flow kept it in the incident's analysis (bot/flow/flow-ports.ts `remember`). */
export interface IncidentAnalysis {
  triage?: { problem: boolean; severity: string; reason: string; confidence: number; model?: string };
  diagnosis?: string;
  dropped?: { tool: string; reason: string }[];
  plan?: { instruction: string; summary?: string; refused?: string };
  investigation?: {
    evidence?: { source: string; what: string; text: string; ok: boolean; at: string }[];
    diagnosis?: string;
    calls?: number;
  };
}

/** Everything `details` shows, gathered from the database by bot/chat/incident-details.ts. */
export interface IncidentDetailsFacts {
  id: number;
  title: string;
  status: string;
  flapping: boolean;
  firing: number;
  /** The firing alerts, one line each (graphs/alert-lines.ts). */
  alertLines: readonly string[];
  source: string;
  openedAt: Date;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** How often the source reported it, and when last. */
  seen: { count: number; last: Date | null };
  /** Deployments shortly before it opened (Coroot). */
  deployments: readonly { subject: string; occurredAt: Date }[];
  /** The options of its open question, if one is open. */
  openOptions: readonly ChatOption[] | undefined;
  /** What ran for it lately, with the tool's output. */
  actions: readonly {
    tool: string;
    arguments: Record<string, unknown> | null;
    status: string;
    result: { output?: string } | null;
    error: string | null;
    startedAt: Date;
  }[];
  analysis: IncidentAnalysis;
}

/**
 * `details`: more context about an incident without changing the question: its alerts with labels
 * and annotations, how often its source has reported it, deployments shortly before it (Coroot), the
 * models' reasoning (triage, diagnosis, proposals dropped by policy), every call the open question
 * would run, in full, and what ran for it with its arguments and the tool's output. Text from outside
 * is shown as data: one line per item, capped, unable to start a line of its own. Pure.
 */
export function incidentDetailsMessage(facts: IncidentDetailsFacts): { title: string; body: string } {
  const { source, openedAt, labels, annotations, seen } = facts;
  const lines = [...facts.alertLines];
  const shared = Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  if (shared) lines.push('', `Labels: ${inert(shared, 600)}`);
  for (const [name, value] of Object.entries(annotations)) lines.push(`${inert(name, 60)}: ${inert(value, 300)}`);
  lines.push(
    `Reported by ${inert(source, 40)} ${seen.count} time(s) since ${time(openedAt)}${seen.last ? `, last at ${time(seen.last)}` : ''}`,
  );
  for (const deployment of facts.deployments)
    lines.push(`Deployed shortly before: ${inert(deployment.subject, 120)} at ${time(deployment.occurredAt)}`);
  if (facts.openOptions) lines.push(...callsOfQuestion(facts.openOptions));
  for (const action of facts.actions) {
    const output = inert(action.result?.output ?? action.error ?? '', 200);
    lines.push(
      `Ran ${describeCall({ tool: action.tool, arguments: action.arguments ?? {} })} at ${time(action.startedAt)}: ${action.status}${output ? ` — ${output}` : ''}`,
    );
  }
  lines.push(...reasoning(facts.analysis));
  const state = `${facts.status}${facts.flapping ? ', flapping' : ''}, ${facts.firing} firing`;
  return { title: `🔎 #${facts.id} ${inert(facts.title, 120)} (${state})`, body: lines.join('\n') };
}

function time(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Every call each option of the open question would run, in full, with the digest a decision records. */
function callsOfQuestion(options: readonly ChatOption[]): string[] {
  const withCalls = options.filter(
    (option): option is ChatOption & { calls: ToolCall[] } => (option.calls?.length ?? 0) > 0,
  );
  if (withCalls.length === 0) return [];
  const lines = ['', 'What each option runs:'];
  for (const option of withCalls) {
    lines.push(`Option ${option.number} (digest ${actionDigest(option.calls).slice(0, 12)}):`);
    for (const call of option.calls) lines.push(`  ${describeCall(call)}`);
  }
  return lines;
}

function reasoning(analysis: IncidentAnalysis): string[] {
  const lines: string[] = [];
  const { triage, diagnosis, dropped, plan } = analysis;
  if (triage) {
    const confidence = Math.round(triage.confidence * 100);
    lines.push(
      '',
      `🤖 Triage${triage.model ? ` (${inert(triage.model, 40)})` : ''}: ${triage.problem ? 'a problem' : 'probably not a problem'}, ${inert(triage.severity, 20)}, ${confidence}% sure. ${inert(triage.reason, 400)}`,
    );
  }
  if (diagnosis) lines.push(`🤖 Diagnosis: ${inert(diagnosis, 400)}`);
  for (const proposal of dropped ?? [])
    lines.push(`🚫 Not offered: ${inert(proposal.tool, 80)} (${inert(proposal.reason, 200)})`);
  if (plan)
    lines.push(
      `📝 custom: “${inert(plan.instruction, 200)}” → ${plan.refused ? `no plan: ${inert(plan.refused, 200)}` : inert(plan.summary, 200)}`,
    );
  lines.push(...evidenceLines(analysis.investigation));
  return lines;
}

/** Every piece of evidence the investigations gathered, each result quoted line by line. */
function evidenceLines(investigation: IncidentAnalysis['investigation']): string[] {
  const evidence = investigation?.evidence ?? [];
  if (evidence.length === 0) return [];
  const lines = ['', `🔎 Evidence (${investigation?.calls ?? 0} read-only call(s) in all):`];
  for (const item of evidence) {
    lines.push(
      `${item.ok ? '•' : '✗'} ${inert(item.source, 20)} ${inert(item.what, 200)} at ${inert(item.at.slice(0, 16).replace('T', ' '), 20)} UTC:`,
    );
    lines.push(quotedLines(item.text, 12, 200));
  }
  if (investigation?.diagnosis) lines.push(`🤖 Investigation: ${inert(investigation.diagnosis, 400)}`);
  return lines;
}
