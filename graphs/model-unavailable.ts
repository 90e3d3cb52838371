/**
 * What Steward says when no model could answer: why (none was reachable, or its answer could not be
 * used), and what it did instead. The reason is Steward's own words, not a model's. Pure.
 */

/** Why a model did not answer, from the gateway's reason (bot/llm/gateway.ts). */
export function whyNoModel(reason: 'runbook' | 'unavailable' | 'invalid_answer'): string {
  return reason === 'invalid_answer' ? 'the model’s answer could not be used' : 'no model was available';
}

/** No model proposed fixes: the question offers the safe generic options only. */
export function onlySafeOptions(why: string): string {
  return `LLM unavailable (${why}): only the safe options are offered.`;
}

/** A runbook's fix failed and no model could be asked for new options: the runbook's and the safe ones stand. */
export function noNewOptions(why: string): string {
  return `LLM unavailable (${why}): no new options could be sought after the runbook’s fix failed.`;
}
