import { inert } from '../inert-text.ts';
import { actionDigest, describeCalls } from '../tool-call.ts';
import { callsOf, type FailedAttempt, type FlowOption } from './ports.ts';

/** Longest tool error kept for an attempt: enough to say why, small enough for a checkpoint and a prompt. */
const MAX_ERROR = 500;

export function failedAttempt(option: FlowOption, outcome: FailedAttempt['outcome'], error?: string): FailedAttempt {
  return {
    calls: callsOf(option),
    outcome,
    ...(error ? { error: inert(error, MAX_ERROR) } : {}),
    ...(option.runbook ? { runbook: option.runbook.id } : {}),
  };
}

/** The attempts an option would repeat exactly (the same calls, compared as the digest compares them). */
export function attemptsRepeated(option: FlowOption, failed: readonly FailedAttempt[]): FailedAttempt[] {
  const calls = callsOf(option);
  if (calls.length === 0) return [];
  const digest = actionDigest(calls);
  return failed.filter((attempt) => actionDigest(attempt.calls) === digest);
}

/**
 * The options after fixes failed: one that ran and did not resolve the alerts is left out; one whose
 * tool failed (a time-out may pass) is kept, after every fix not yet tried, so it is never option 1
 * while something new is offered. Each is said in a note, with how it failed.
 */
export function arrangeAfterFailures(
  options: readonly FlowOption[],
  failed: readonly FailedAttempt[],
): { options: FlowOption[]; notes: string[] } {
  if (failed.length === 0) return { options: [...options], notes: [] };
  const repeats = (option: FlowOption) => attemptsRepeated(option, failed);
  const fresh = options.filter((option) => !option.generic && repeats(option).length === 0);
  const retried = options.filter(
    (option) => repeats(option).length > 0 && repeats(option).every((attempt) => attempt.outcome === 'tool failed'),
  );
  const generic = options.filter((option) => option.generic);
  const arranged = [...fresh, ...retried, ...generic];
  const notes = failed.map((attempt) => {
    const position = arranged.findIndex((option) => attemptsRepeated(option, [attempt]).length > 0);
    const how =
      attempt.outcome === 'tool failed'
        ? `the tool failed${attempt.error ? `: “${inert(attempt.error, 200)}”` : ''}`
        : 'it ran, but the alerts did not resolve';
    const offered = position >= 0 ? `offered again as option ${position + 1}` : 'not offered again';
    return `Tried already for this incident: ${describeCalls(attempt.calls)} (${how}; ${offered}).`;
  });
  return { options: arranged, notes };
}
