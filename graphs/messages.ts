import type { ChatOption, OutgoingNotice } from './chat-port.ts';
import type { QuestionRequest } from './questions.ts';

/**
 * The seed design's message shapes, built in one place so every flow and every platform says things
 * the same way. Platforms only style them (Signal's styled text, Markdown and buttons, plain text).
 */

/** "🔔 Issue detected … Is this a problem? [Yes] [No, expected] [Snooze 1h]" */
export function issueDetected(incident: { id: number; title: string; alertLines: string[]; flapping: boolean }): QuestionRequest {
  const flapping = incident.flapping ? '\n⚠️ Flapping: it fired again soon after it resolved.' : '';
  return {
    incidentId: incident.id,
    kind: 'problem',
    title: `🔔 Issue detected: #${incident.id} ${incident.title}`,
    body: `${incident.alertLines.join('\n')}${flapping}\n\nIs this a problem?`,
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

/** "📋 Solutions found" with numbered options, each with impact and risk, ending "Reply: 1, 2, 3, ignore, or custom: …" */
export function solutionsFound(incident: { id: number; title: string; diagnosis: string }, solutions: readonly SolutionOption[], defaultOption?: number): QuestionRequest {
  const options = solutions.map((solution, index) => ({
    number: index + 1,
    label: solution.record ? `${solution.label} — worked ${solution.record.successes} of ${solution.record.chosen} times` : solution.label,
    ...(solution.impact ? { impact: solution.impact } : {}),
    ...(solution.risk ? { risk: solution.risk } : {}),
    ...(solution.reversible !== undefined ? { reversible: solution.reversible } : {}),
  }));
  const numbers = options.map((option) => option.number).join(', ');
  return {
    incidentId: incident.id,
    kind: 'solution',
    title: `📋 Solutions found: #${incident.id} ${incident.title}`,
    body: incident.diagnosis,
    options,
    replyHint: `Reply: ${numbers ? `${numbers}, ` : ''}ignore, or custom: …`,
    ...(defaultOption !== undefined ? { defaultOption } : {}),
  };
}

/** "📝 Plan" for a `custom:` instruction: the tool calls in order; nothing runs before `approve`. */
export function planProposed(incident: { id: number; title: string }, plan: { instruction: string; summary: string; steps: readonly { tool: string; arguments: Record<string, unknown>; why: string }[] }): QuestionRequest {
  const steps = plan.steps.map((step, index) => `${index + 1}. ${step.tool} ${JSON.stringify(step.arguments)}\n   ${step.why}`);
  return {
    incidentId: incident.id,
    kind: 'plan',
    title: `📝 Plan for #${incident.id} ${incident.title}: ${plan.summary}`,
    body: [`You asked: “${plan.instruction}”`, '', ...steps, '', 'Nothing runs until you approve.'].join('\n'),
    options: [
      { number: 1, label: 'Run this plan' },
      { number: 2, label: 'Back to the options' },
    ],
    replyHint: 'Reply: approve, 2, ignore, or custom: …',
    defaultOption: 1,
  };
}

/** "✅ Complete" with what ran, how long the fix took to show, and before/after. */
export function fixComplete(incident: { id: number; title: string }, fix: { action: string; tookMs: number; before: string; after: string }): OutgoingNotice {
  return {
    kind: 'notice',
    title: `✅ Complete: #${incident.id} ${incident.title}`,
    body: [`Ran: ${fix.action}`, `Resolved ${formatSeconds(fix.tookMs)} after the fix.`, `Before: ${fix.before}`, `After: ${fix.after}`].join('\n'),
  };
}

/** "Next time: [Auto] [Ask] [Investigate]", asked after a fix that worked. */
export function nextTime(incident: { id: number }, what: string): QuestionRequest {
  return {
    incidentId: incident.id,
    kind: 'autonomy',
    title: `Next time #${incident.id} happens?`,
    body: `Next time "${what}" would fix it:`,
    options: [
      { number: 1, label: 'Auto', impact: 'run it and tell you' },
      { number: 2, label: 'Ask', impact: 'ask first, as now' },
      { number: 3, label: 'Investigate', impact: 'look for a better fix' },
    ],
    replyHint: 'Reply: auto, ask or investigate',
    defaultOption: 2,
  };
}

function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)} min`;
}
