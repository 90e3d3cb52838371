import type { ChatOption, OutgoingMessage } from './chat-port.ts';
import { inert } from './inert-text.ts';
import { describeCall } from './tool-call.ts';

export type TextStyle = 'plain' | 'signal-styled' | 'markdown';

const riskMark = { low: '🟢 low risk', medium: '🟠 medium risk', high: '🔴 high risk' } as const;

/** Characters signal-cli-rest-api's styled mode always takes as markup and removes from the text. */
const SIGNAL_MARKUP = /[*|~`]/;

/**
 * One message as text, in the platform's style: Signal's styled text (`**bold**`), Markdown, or plain
 * (the terminal). The shapes are the seed design's: a title line, the body, numbered options, and the
 * line that says how to answer. An option that runs tools shows each call exactly as it will run,
 * and under it the words that describe it, marked with whose words they are (a model's, a runbook's).
 *
 * Whatever the text holds, it keeps the message's shape: the title and every option stay one line
 * each, Markdown (and Signal's styling) in any text is shown literally, and nothing mentions anyone.
 */
export function renderMessage(message: OutgoingMessage, style: TextStyle): string {
  const text = (value: string) => (style === 'markdown' ? escapeMarkdown(value) : value);
  const bold = (value: string) => (style === 'plain' ? value : `**${value}**`);
  const lines = [bold(text(inert(message.title, 300)))];
  if (message.body) lines.push('', text(message.body));
  if (message.kind === 'question') {
    if (message.options.length > 0) lines.push('');
    for (const option of message.options) lines.push(...optionLines(option, text, bold));
    lines.push('', text(inert(message.replyHint, 300)));
  }
  return silenceMentions(lines.join('\n'));
}

/** Whether Signal's styled mode would eat characters of this message: it is then sent as plain text. */
export function needsPlainSignalText(message: OutgoingMessage): boolean {
  return SIGNAL_MARKUP.test(renderMessage(message, 'plain'));
}

function optionLines(option: ChatOption, text: (value: string) => string, bold: (value: string) => string): string[] {
  const number = bold(`${option.number}.`);
  const facts = [
    option.record ? `worked ${option.record.successes} of ${option.record.chosen} times` : undefined,
    option.impact ? inert(option.impact, 120) : undefined,
    option.risk ? riskMark[option.risk] : undefined,
    option.reversible === false ? 'not reversible' : undefined,
  ].filter(Boolean);
  const factText = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  const label = inert(option.label, 160);
  if (!option.calls || option.calls.length === 0) return [`${number} ${text(`${label}${factText}`)}`];
  const [first, ...rest] = option.calls;
  const lines = [
    `${number} ${text(describeCall(first!))}`,
    ...rest.map((call) => `   ${text(`then ${describeCall(call)}`)}`),
  ];
  lines.push(`   ${text(`${whose(option)}“${label}”${factText}`)}`);
  return lines;
}

/** Who wrote an option's label, said before it. */
function whose(option: ChatOption): string {
  switch (option.labelSource?.kind) {
    case 'model':
      return '🤖 the model calls it ';
    case 'runbook':
      return `📘 runbook ${inert(option.labelSource.id, 60)}: `;
    case 'owner':
      return '🗣 your words: ';
    default:
      return '';
  }
}

/** Markdown shows these literally when escaped; an outside `[link](…)`, `![image](…)`, `**`, `# heading` or `> quote` stays text. */
function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_~[\]<>|]/g, '\\$&').replace(/^#/gm, '\\#');
}

/** No message of Steward's mentions anyone: `@channel`, `@here`, `@alice` and `<!channel>` are shown, not sent. */
function silenceMentions(value: string): string {
  return value.replace(/@(?=[\p{L}\p{N}_])/gu, '＠').replace(/<!/g, '‹!');
}

/**
 * Splits a long text into parts of at most `limit` characters: at paragraph breaks first, then at line
 * breaks, then at spaces, and only inside a word when a single word is longer than the limit.
 * Parts after the first are numbered so a reader knows they belong together.
 */
export function splitMessage(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const budget = limit - 8; // room for the "(2/3) " prefix
  const parts: string[] = [];
  let rest = text;
  while (rest.length > budget) {
    const window = rest.slice(0, budget);
    const cut = lastBreak(window, '\n\n') ?? lastBreak(window, '\n') ?? lastBreak(window, ' ') ?? budget;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts.map((part, index) => (index === 0 ? part : `(${index + 1}/${parts.length}) ${part}`));
}

function lastBreak(window: string, separator: string): number | undefined {
  const at = window.lastIndexOf(separator);
  return at > window.length / 3 ? at : undefined;
}
