import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

export type LlmFailure =
  | { kind: 'budget_exceeded'; message: string }
  | { kind: 'rate_limited'; message: string; retryAfterMs: number | undefined }
  | { kind: 'timeout'; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'refused'; message: string };

const budgetText = /Budget has been exceeded|ExceededBudget|exceeded budget|crossed budget|ExceededTokenBudget/i;

/**
 * What an error from the proxy (or Ollama) means for the next step. A budget error is recognised by
 * its type or message, never by its status: LiteLLM has answered 400, 401 and 429 for it over time.
 */
export function classifyLlmError(error: unknown): LlmFailure {
  if (error instanceof APIConnectionTimeoutError)
    return { kind: 'timeout', message: 'the model did not answer in time' };
  if (error instanceof APIConnectionError)
    return { kind: 'unavailable', message: `cannot reach the model: ${error.message}` };
  if (!(error instanceof APIError))
    return { kind: 'unavailable', message: error instanceof Error ? error.message : String(error) };
  const body = (error.error ?? {}) as { message?: unknown; type?: unknown; detail?: unknown };
  const message =
    typeof body.message === 'string' ? body.message : typeof body.detail === 'string' ? body.detail : error.message;
  if (body.type === 'budget_exceeded' || budgetText.test(message)) return { kind: 'budget_exceeded', message };
  if (error.status === 429)
    return { kind: 'rate_limited', message, retryAfterMs: retryAfter(error.headers as Headers | undefined) };
  if (error.status === undefined || error.status >= 500 || error.status === 408)
    return { kind: 'unavailable', message };
  return { kind: 'refused', message };
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (ms > 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (seconds >= 0 && Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
