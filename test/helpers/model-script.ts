import type { ReceivedRequest } from '../fakes/llm-proxy.ts';

type Answer = object | ((data: string) => object);

/**
 * What the LiteLLM fake answers, told apart by what Steward asks for: a triage (its answer schema has
 * `severity`), a proposal of options (`options`), or, when `otherwise` is given, anything else (a
 * scheduled query). Without `otherwise`, every request that is not a triage gets the proposal. An
 * answer may depend on the request's text (`data`: its messages, joined).
 */
export function modelScript(script: {
  triage: Answer;
  proposal: Answer;
  otherwise?: string;
}): (request: ReceivedRequest) => string {
  const give = (answer: Answer, data: string) => JSON.stringify(typeof answer === 'function' ? answer(data) : answer);
  return (request) => {
    const schema = JSON.stringify(request.responseFormat ?? {});
    const data = request.messages.map((message) => message.content).join('\n');
    if (schema.includes('severity')) return give(script.triage, data);
    if (script.otherwise === undefined || schema.includes('options')) return give(script.proposal, data);
    return script.otherwise;
  };
}
