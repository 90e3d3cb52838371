import { inert, quotedLines } from './inert-text.ts';
import type { QuestionRequest } from './questions.ts';
import { DEFAULT_REDLINES, matchesToolGlob, type ToolPolicy } from './tool-catalog.ts';

/** The kind of question an agent's `request_approval` asks; decisions on it go to the MCP server's approvals. */
export const AGENT_APPROVAL_KIND = 'agent-approval';

export const DEFAULT_APPROVAL_OPTIONS: readonly string[] = ['Approve', 'Reject'];

export interface AgentApprovalRequest {
  /** The MCP client's name from its initialize request: what the agent calls itself. */
  agent: string;
  title: string;
  action: string;
  details?: Record<string, unknown> | undefined;
  options: readonly string[];
}

/**
 * The numbered question an agent's request becomes. Every word of the agent's is outside text: its
 * name, title and action are flattened into lines that Steward starts ("Agent:", "Action:"), its
 * details are quoted line by line after `│ `, so nothing it sends can start a line, look like an
 * option or mention anyone. Its options are its own words, and the question says so. Pure.
 */
/** The marks Steward adds to an agent's option labels. */
export const APPROVES = '(approves)';
export const REJECTS = '(rejects)';

export function agentApprovalQuestion(request: AgentApprovalRequest): QuestionRequest {
  // What an option means is Steward's, not the agent's: option 1 approves, every other one rejects, and
  // each says so, so that "1. Reject" cannot approve unseen.
  const options = request.options.map((label, index) => ({
    number: index + 1,
    label: `${inert(label, 80)} ${index === 0 ? APPROVES : REJECTS}`,
  }));
  const body = [
    `Agent: “${inert(request.agent, 60)}” (the name its MCP client gave; Steward does not run the action)`,
    `Action: ${inert(request.action, 600)}`,
    ...(request.details && Object.keys(request.details).length > 0
      ? ['Details:', quotedLines(detailLines(request.details), 20, 200)]
      : []),
    'The options below are the agent’s words; option 1 approves, any other answer rejects.',
  ].join('\n');
  const first = request.options[0]?.trim().toLowerCase();
  return {
    kind: AGENT_APPROVAL_KIND,
    title: `🤖 ${inert(request.agent, 40)} asks: ${inert(request.title, 160)}`,
    body,
    options,
    replyHint: `Quote this question and reply: ${options.map((option) => option.number).join(', ')}, or ignore (rejects)`,
    // `approve` and 👍 stand for the first option only when it is literally Approve.
    ...(first === 'approve' ? { defaultOption: 1 } : {}),
  };
}

/**
 * An option's label as the agent wrote it (inert), without the meaning `agentApprovalQuestion` marked
 * it with: what `request_approval` reports as the owner's choice.
 */
export function agentOptionWords(label: string): string {
  for (const mark of [APPROVES, REJECTS]) if (label.endsWith(` ${mark}`)) return label.slice(0, -(mark.length + 1));
  return label;
}

/** `key: value` per top-level field; values that are not text as compact JSON. */
function detailLines(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))}`)
    .join('\n');
}

/**
 * The redline an action's text runs into, if any: the owner's `redlines`, or `DEFAULT_REDLINES` unless
 * `allow` names the term. The globs are written for tool names (`delete_*`, `rm*`), so the text is
 * tried as its words (`rm`, `kubernetes.delete_pod`) and as each pair of neighbouring words joined by
 * `_` (`kubectl delete pod` → `kubectl_delete`, `delete_pod`; `DROP TABLE` → `drop_table`). Pure.
 */
export function redlineInAction(action: string, policy: ToolPolicy): string | undefined {
  // As the redlines read it: compatibility forms folded (ｄｅｌｅｔｅ → delete) and invisible format
  // characters dropped (de\u200Blete → delete), the way inert() shows the text to the owner.
  const words = action
    .normalize('NFKC')
    .replace(/\p{Cf}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_.*-]+/u)
    .map((word) => unmaskLookalikes(word.replace(/^[-.]+|[-.]+$/g, '')))
    .filter(Boolean);
  const allowed = (term: string) => matchesToolGlob(policy.allow ?? [], term);
  // A pair with an allowed word in it is that allowed word's business: `format_report weekly` stays allowed.
  const terms = [
    ...words.map((word) => ({ term: word, allowed: allowed(word) })),
    ...words.slice(1).map((word, index) => ({
      term: `${words[index]}_${word}`,
      allowed: allowed(words[index]!) || allowed(word) || allowed(`${words[index]}_${word}`),
    })),
  ];
  for (const { term, allowed: isAllowed } of terms) {
    if (matchesToolGlob(policy.redlines, term)) return term;
    if (matchesToolGlob(DEFAULT_REDLINES, term) && !isAllowed) return term;
  }
  return undefined;
}

/** Cyrillic and Greek letters that pass for Latin ones, as Unicode's confusables list pairs them. */
const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  і: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ӏ: 'l',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};

/**
 * A word that mixes Latin with Cyrillic or Greek letters (dеlete with a Cyrillic е) read as the Latin
 * word it passes for, so a redline cannot be dodged by a lookalike. Words in one script stay as they are.
 */
function unmaskLookalikes(word: string): string {
  if (!/\p{Script=Latin}/u.test(word) || !/[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(word)) return word;
  return [...word].map((character) => LATIN_LOOKALIKES[character] ?? character).join('');
}

/**
 * The redline anywhere in what an agent asks: its title, action, option labels and the text of its
 * details are all shown to the owner, so a redlined step hidden in any of them is refused. Pure.
 */
export function redlineInRequest(
  request: Pick<AgentApprovalRequest, 'title' | 'action' | 'details' | 'options'>,
  policy: ToolPolicy,
): string | undefined {
  const texts = [
    request.title,
    request.action,
    ...request.options,
    ...(request.details ? detailLines(request.details).split('\n') : []),
  ];
  for (const text of texts) {
    const redline = redlineInAction(text, policy);
    if (redline) return redline;
  }
  return undefined;
}
