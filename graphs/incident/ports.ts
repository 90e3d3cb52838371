import type { LabelSource, OutgoingNotice } from '../chat-port.ts';
import type { Findings } from '../findings.ts';
import type { QuestionRequest } from '../questions.ts';
import type { ToolCall } from '../tool-call.ts';

/** One option of a "Solutions found" question: tool calls, or a safe generic choice. */
export interface FlowOption {
  label: string;
  /** Whose words `label` is: a model's are marked as such wherever the option is shown. */
  labelSource?: LabelSource;
  impact?: string;
  risk?: 'low' | 'medium' | 'high';
  reversible?: boolean;
  action?: ToolCall;
  /**
   * Several calls run in order, each claimed once: a `custom:` plan, or a runbook fix rendered for
   * each alert of the incident. A single call also sets `action`.
   */
  steps?: (ToolCall & { why: string })[];
  /** The owner's own words for it (a `custom:` instruction): a runbook learned from it is named by them. */
  ownerWords?: string;
  generic?: 'investigate' | 'snooze' | 'ignore';
  /** Set when the option comes from a runbook: its track record is shown and updated. */
  runbook?: { id: string; solutionId: string; successes: number; chosen: number };
}

/** The calls an option runs, in order: what its question shows and what the runner may run. */
export function callsOf(option: Pick<FlowOption, 'action' | 'steps'>): ToolCall[] {
  if (option.steps && option.steps.length > 0)
    return option.steps.map((step) => ({ tool: step.tool, arguments: step.arguments }));
  return option.action ? [{ tool: option.action.tool, arguments: option.action.arguments }] : [];
}

/** A fix tried for this incident (in this run) that did not work: what ran, and how it failed. */
export interface FailedAttempt {
  calls: ToolCall[];
  /** `tool failed`: a call answered with an error; `not resolved`: it ran, and the alerts stayed. */
  outcome: 'tool failed' | 'not resolved';
  /** The tool's error, made inert when it is recorded (outside text). */
  error?: string;
  /** The runbook whose fix it was: a runbook fix that failed makes Steward ask a model for new options. */
  runbook?: string;
}

export interface IncidentSnapshot {
  id: number;
  title: string;
  /** One line per firing alert, for messages. */
  alertLines: string[];
  flapping: boolean;
  /** Everything a model may look at, as data. */
  facts: unknown;
  resolved: boolean;
  /** The owner said this alert is expected, and asked not to hear of it for a while. */
  suppressed: boolean;
}

export type ExecutionResult =
  | { status: 'succeeded'; output: string }
  | { status: 'failed'; error: string }
  /** A started action found after a crash: it may or may not have run, so it is never run again. */
  | { status: 'interrupted' }
  | { status: 'refused'; reason: string };

/**
 * What the incident flow needs from the rest of Steward. bot/flow implements it with the database,
 * the question desk, the LLM gateway and the MCP client; tests can implement it in memory.
 */
export interface IncidentFlowPorts {
  snapshot(incidentId: number): Promise<IncidentSnapshot | undefined>;
  /** Records that an incident was not asked about because of an earlier "No, expected". */
  suppressed(snapshot: IncidentSnapshot): Promise<void>;
  /** The first look; `ask` says whether the human is asked "Is this a problem?" (the autonomy mode decides). */
  triage(snapshot: IncidentSnapshot): Promise<{ problem?: boolean; reason: string; degraded?: string; ask: boolean }>;
  /**
   * Gathers evidence (read-only tools, metrics, history) within the configured budget, never repeating
   * a call made before for the incident; `deep` after a fix that did not work. Undefined: nothing to show.
   * Optional: without it the flow asks from the alert alone.
   */
  investigate?(snapshot: IncidentSnapshot, request: { deep: boolean }): Promise<Findings | undefined>;
  /**
   * Options to put to the owner; `notes` are Steward's own remarks (options not offered and why).
   * `failed` are the fixes tried for this incident that did not work: when one was a runbook's, a model
   * is asked for new options with them as data (without a model, the runbook's options stand, said so).
   */
  propose(
    snapshot: IncidentSnapshot,
    request: { failed: readonly FailedAttempt[] },
  ): Promise<{ diagnosis: string; options: FlowOption[]; degraded?: string; notes?: string[] }>;
  /** Turns the owner's `custom:` instruction into a plan of allowed tool calls, shown before anything runs. */
  plan(
    snapshot: IncidentSnapshot,
    instruction: string,
  ): Promise<{ ok: true; summary: string; option: FlowOption } | { ok: false; reason: string }>;
  /** Asks on every channel; the same `askKey` asks once. Returns the question id. */
  ask(question: QuestionRequest & { askKey: string }): Promise<number>;
  notify(incidentId: number, notice: OutgoingNotice, key: string): Promise<void>;
  /**
   * Runs the option's calls once per (question, step): a second call never runs them again. The calls
   * must be the ones the answered question showed: the decision's digest of them is checked first.
   */
  execute(incidentId: number, questionId: number, option: FlowOption): Promise<ExecutionResult>;
  /** Starts the verification window; when it ends unresolved the flow is resumed with `{ resolved: false }`. */
  startVerification(incidentId: number): Promise<void>;
  /**
   * Hands a verified (or failed) choice to the runbooks: a runbook's record is updated, a working fix
   * from the model becomes a new runbook. Called once per answered question.
   */
  learn(incidentId: number, questionId: number, option: FlowOption, succeeded: boolean): Promise<void>;
  /**
   * A runbook fix that has earned the right to run without asking, under the current autonomy mode:
   * it comes with a question already decided by Steward (the claim and the audit trail of the choice).
   */
  autoFix(
    snapshot: IncidentSnapshot,
    run: number,
  ): Promise<
    { option: FlowOption; questionId: number; level: 'auto_notify' | 'auto_silent' } | { asks: string } | undefined
  >;
  /** An automatic fix that did not work goes back to asking, and chat is told. */
  demote(incidentId: number, option: FlowOption): Promise<void>;
  /** Closes the incident without a fix (the human said it is expected, or ignored it). */
  dismiss(incidentId: number, reason: string, actor?: string): Promise<void>;
  snooze(incidentId: number, durationMs: number): Promise<void>;
}
