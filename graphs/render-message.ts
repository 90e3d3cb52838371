import type { OutgoingMessage } from './chat-port.ts';

export type TextStyle = 'plain' | 'signal-styled' | 'markdown';

const riskMark = { low: '🟢 low risk', medium: '🟠 medium risk', high: '🔴 high risk' } as const;

/**
 * One message as text, in the platform's style: Signal's styled text (`**bold**`), Markdown, or plain
 * (the terminal). The shapes are the seed design's: a title line, the body, numbered options with
 * impact and risk, and the line that says how to answer.
 */
export function renderMessage(message: OutgoingMessage, style: TextStyle): string {
  const bold = (text: string) => (style === 'plain' ? text : `**${text}**`);
  const lines = [bold(message.title)];
  if (message.body) lines.push('', message.body);
  if (message.kind === 'question') {
    if (message.options.length > 0) lines.push('');
    for (const option of message.options) {
      const facts = [option.impact, option.risk ? riskMark[option.risk] : undefined, option.reversible === false ? 'not reversible' : undefined].filter(Boolean);
      lines.push(`${bold(`${option.number}.`)} ${option.label}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`);
    }
    lines.push('', message.replyHint);
  }
  return lines.join('\n');
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
