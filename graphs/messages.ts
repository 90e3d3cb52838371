import type { ChatOption, OutgoingNotice } from './chat-port.ts';
import { findingsSection, type Findings } from './findings.ts';
import { inert } from './inert-text.ts';
import type { QuestionRequest } from './questions.ts';
import { describeCall, describeCalls, type ToolCall } from './tool-call.ts';

/**
 * The seed design's message shapes, built in one place so every flow and every platform says things
 * the same way. Platforms only style them (Signal's styled text, Markdown and buttons, plain text).
 *
 * Text from outside (an alert's title and lines, a model's words, a tool's output) goes through
 * `inert()` here, where it is put into a message: one line, capped, unable to start a line of its own.
 * Alert lines come ready from the incident summary, which made them inert.
 */

/** An incident as messages name it; `title` comes from the alert, so it is outside text. */
export interface IncidentRef {
  id: number;
  title: string;
}

const name = (incident: IncidentRef) => `#${incident.id} ${inert(incident.title, 120)}`;

/** "🔔 Issue detected … Is this a problem? [Yes] [No, expected] [Snooze 1h]" */
export function issueDetected(
  incident: IncidentRef & { alertLines: string[]; flapping: boolean; verdict?: string; findings?: Findings },
): QuestionRequest {
  const lines = [...incident.alertLines];
  if (incident.flapping) lines.push('⚠️ Flapping: it fired again soon after it resolved.');
  if (incident.verdict) lines.push('', `🤖 ${inert(incident.verdict, 400)}`);
  // Evidence before asking: what the investigation found comes before the question.
  const found = findingsSection(incident.findings);
  if (found) lines.push('', found);
  return {
    incidentId: incident.id,
    kind: 'problem',
    title: `🔔 Issue detected: ${name(incident)}`,
    body: `${lines.join('\n')}\n\nIs this a problem?`,
    options: [
      { number: 1, label: 'Yes' },
      { number: 2, label: 'No, expected' },
      { number: 3, label: 'Snooze 1h' },
    ],
    replyHint: 'Reply: 1, 2, 3, details, or custom: …',
  };
}

export interface SolutionOption extends Omit<ChatOption, 'number'> {
  /** Where it came from: a runbook's track record is shown ("worked 4 of 4 times"). */
  record?: { successes: number; chosen: number };
}

export interface SolutionsContext {
  /** The model's diagnosis (outside text). */
  diagnosis?: string;
  /** Triage's reason, shown when nobody was asked "Is this a problem?" (outside text). */
  verdict?: string;
  /** Steward's own remarks: no model available, options not offered and why. */
  notes?: readonly string[];
  /** What the alerts say, when there is no diagnosis. */
  alertLines?: readonly string[];
  /** What an investigation found since the last question (shown once, before the options). */
  findings?: Findings;
}

/** "📋 Solutions found" with numbered options, each showing the calls it runs, ending "Reply: 1, 2, 3, ignore, or custom: …" */
export function solutionsFound(
  incident: IncidentRef & SolutionsContext,
  solutions: readonly SolutionOption[],
  defaultOption?: number,
): QuestionRequest {
  const options = solutions.map((solution, index) => ({ ...solution, number: index + 1 }));
  const numbers = options.map((option) => option.number).join(', ');
  // The verdict and the diagnosis may say the same thing (a known problem): it is said once.
  const verdict = incident.verdict && incident.verdict !== incident.diagnosis ? incident.verdict : undefined;
  const said = [
    verdict ? `🤖 ${inert(verdict, 400)}` : undefined,
    incident.diagnosis ? `🤖 ${inert(incident.diagnosis, 600)}` : undefined,
  ].filter((part): part is string => Boolean(part));
  const found = findingsSection(incident.findings);
  const body = [
    ...(found ? [found] : []),
    ...(said.length > 0 ? said : [(incident.alertLines ?? []).join('\n')]),
    ...(incident.notes ?? []),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    incidentId: incident.id,
    kind: 'solution',
    title: `📋 Solutions found: ${name(incident)}`,
    body,
    options,
    replyHint: `Reply: ${numbers ? `${numbers}, ` : ''}ignore, or custom: …`,
    ...(defaultOption !== undefined ? { defaultOption } : {}),
  };
}

/** "📝 Plan" for a `custom:` instruction: the tool calls in order; nothing runs before `approve`. */
export function planProposed(
  incident: IncidentRef,
  plan: { instruction: string; summary: string; steps: readonly (ToolCall & { why: string })[] },
): QuestionRequest {
  const steps = plan.steps.map(
    (step, index) => `Step ${index + 1}: ${describeCall(step)}\n   🤖 why: ${inert(step.why, 200)}`,
  );
  const calls = plan.steps.map((step) => ({ tool: step.tool, arguments: step.arguments }));
  return {
    incidentId: incident.id,
    kind: 'plan',
    title: `📝 Plan for ${name(incident)}`,
    body: [
      `You asked: “${inert(plan.instruction, 300)}”`,
      `🤖 The model's plan: “${inert(plan.summary, 200)}”`,
      '',
      ...steps,
      '',
      'Nothing runs until you approve.',
    ].join('\n'),
    options: [
      { number: 1, label: plan.summary, labelSource: { kind: 'model' }, calls },
      { number: 2, label: 'Back to the options' },
    ],
    replyHint: 'Reply: approve, 2, ignore, or custom: …',
    defaultOption: 1,
  };
}

/** "✅ Complete" with what ran, how long the fix took to show, and before/after. */
export function fixComplete(
  incident: IncidentRef,
  fix: { action: string; tookMs: number; before: string; after: string },
): OutgoingNotice {
  return {
    kind: 'notice',
    title: `✅ Complete: ${name(incident)}`,
    body: [
      `Ran: ${fix.action}`,
      `Resolved ${formatSeconds(fix.tookMs)} after the fix.`,
      `Before: ${fix.before}`,
      `After: ${fix.after}`,
    ].join('\n'),
  };
}

/** "Next time: [Auto] [Ask] [Investigate]", asked after a fix that worked; `what` is the call that ran. */
export function nextTime(incident: { id: number }, what: string): QuestionRequest {
  return {
    incidentId: incident.id,
    kind: 'autonomy',
    title: `Next time #${incident.id} happens?`,
    body: `Next time ${what} would fix it:`,
    options: [
      { number: 1, label: 'Auto', impact: 'run it and tell you' },
      { number: 2, label: 'Ask', impact: 'ask first, as now' },
      { number: 3, label: 'Investigate', impact: 'look for a better fix' },
    ],
    replyHint: 'Reply: auto, ask or investigate',
    defaultOption: 2,
  };
}

/** "⚙️ #12: ran restart_pod · name=…": what ran, its output (outside text), and that verification follows. */
export function actionRan(
  incidentId: number,
  calls: readonly ToolCall[],
  output: string,
  runbook?: string,
): OutgoingNotice {
  return {
    kind: 'notice',
    title: `⚙️ #${incidentId}: ran ${calls.length > 1 ? `${calls.length} steps` : calls[0] ? inert(calls[0].tool, 80) : 'the fix'}${runbook ? ` on its own (runbook ${inert(runbook, 60)})` : ''}`,
    body: [
      `Ran: ${describeCalls(calls)}`,
      `Output: ${inert(output, 300) || '(none)'}`,
      'Watching whether the alerts resolve.',
    ].join('\n'),
  };
}

/** "❌ #12: restart_pod failed | was not run | was interrupted", and why. */
export function actionNotDone(
  incidentId: number,
  calls: readonly ToolCall[],
  outcome: 'failed' | 'refused' | 'interrupted',
  why: string,
): OutgoingNotice {
  const what = calls.length > 1 ? `the plan of ${calls.length} steps` : calls[0] ? inert(calls[0].tool, 80) : 'the fix';
  const verb = outcome === 'failed' ? 'failed' : outcome === 'refused' ? 'was not run' : 'was interrupted';
  const reason =
    outcome === 'interrupted'
      ? `Steward stopped while ${what} was running: it may or may not have run, so it is not run again. Check, then choose again.`
      : inert(why, 400);
  return {
    kind: 'notice',
    title: `❌ #${incidentId}: ${what} ${verb}`,
    body: calls.length > 0 ? `${reason}\nCall: ${describeCalls(calls)}` : reason,
  };
}

/** "❌ Not fixed": the fix ran but the alerts stayed; the next options follow. */
export function notFixed(incident: IncidentRef, calls: readonly ToolCall[]): OutgoingNotice {
  return {
    kind: 'notice',
    title: `❌ Not fixed: ${name(incident)}`,
    body: `${calls.length > 0 ? describeCalls(calls) : 'The fix'} ran, but the alerts did not resolve within the verification window. Next options follow.`,
  };
}

/** "❌ #12: no plan for “…”": a `custom:` instruction that did not become a plan. */
export function noPlan(incidentId: number, instruction: string, reason: string): OutgoingNotice {
  return {
    kind: 'notice',
    title: `❌ #${incidentId}: no plan for “${inert(instruction, 120)}”`,
    body: `${inert(reason, 400)}. Nothing was run; the options follow.`,
  };
}

/** "⬇️ Runbook … asks again": an automatic fix did not work. */
export function runbookDemoted(runbookId: string, calls: readonly ToolCall[]): OutgoingNotice {
  return {
    kind: 'notice',
    title: `⬇️ Runbook ${inert(runbookId, 60)} asks again`,
    body: `${calls.length > 0 ? describeCalls(calls) : 'Its fix'} ran on its own and the alerts did not resolve, so it goes back to asking first.`,
  };
}

/**
 * "⬆️ Runbook … is promoted": when it will run alone (now, or once the autonomy mode lets fixes of its
 * radius), and that it still asks wherever its arguments use labels its trigger does not pin.
 */
export function runbookPromoted(
  runbook: { id: string; radius: string },
  autonomy: { mode: string; runsAlone: boolean },
  unpinned: readonly string[],
): OutgoingNotice {
  const when = autonomy.runsAlone
    ? 'next time, and tell you afterwards'
    : `once AUTONOMY_MODE lets ${runbook.radius} fixes run alone (it is ${autonomy.mode}: see the autonomy modes in docs/incident-flow.md); until then it asks`;
  const caveat =
    unpinned.length > 0
      ? ` It will still ask each time, though: its arguments use ${unpinned.map((name) => `labels.${name}`).join(', ')}, which its trigger does not pin.`
      : '';
  return {
    kind: 'notice',
    title: `⬆️ Runbook ${inert(runbook.id, 60)} is promoted`,
    body: `It will run on its own ${when}. If it ever fails, it goes back to asking.${caveat}`,
  };
}

/** The title of the question a promoted runbook answers itself: recorded, never sent. */
export function autoRunTitle(runbookId: string): string {
  return `Runbook ${runbookId} runs on its own`;
}

/** "🎓 … has worked 5 of 5 times": a runbook fix meets its promotion criteria. */
export function promotionSuggested(
  runbook: {
    id: string;
    description: string;
    successes: number;
    chosen: number;
    radius: string;
    risk: string;
    reversible: boolean;
  },
  when: string,
  caveat?: string,
): OutgoingNotice {
  return {
    kind: 'notice',
    title: `🎓 ${inert(runbook.id, 60)}: ${inert(runbook.description, 120)} has worked ${runbook.successes} of ${runbook.chosen} times`,
    body: [
      `It looks standard (${runbook.radius}, ${runbook.risk} risk${runbook.reversible ? ', reversible' : ''}) and meets its promotion criteria. Reply "auto" to let it run on its own ${when}, or "ask" to keep being asked.`,
      ...(caveat ? [inert(caveat, 300)] : []),
    ].join('\n'),
  };
}

function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)} min`;
}
