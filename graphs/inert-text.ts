/**
 * Outside text (alert labels and annotations, PR titles, log lines, tool output, a model's words) as it
 * may appear in a chat message: data that cannot take the message's shape. It is flattened to one line
 * (no line break of any kind, so it can never start a line and look like an option or a heading),
 * stripped of control, format and bidi characters (no terminal escapes, no text reordered or hidden),
 * capped at `max` characters, and unable to mention anyone (`@channel`, `@alice`, `<!here>`). Pure.
 */
export function inert(text: unknown, max = 200): string {
  const raw = typeof text === 'string' ? text : text === undefined || text === null ? '' : (JSON.stringify(text) ?? '');
  const flat = raw
    // Cc: C0/C1 controls (\n, \r, ESC …); Zl/Zp: U+2028/U+2029; Cf: bidi overrides, zero-width marks.
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\p{Cf}+/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/@(?=[\p{L}\p{N}_])/gu, '＠')
    .replace(/<!/g, '‹!');
  const characters = [...flat];
  return characters.length > max
    ? `${characters
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`
    : flat;
}

/**
 * Long outside text that must keep its lines (release notes, a model's report): each line made inert
 * and shown after `│ `, so that no line of it can start a line of the message, at most `maxLines`
 * lines of `lineMax` characters.
 */
export function quotedLines(text: string, maxLines = 40, lineMax = 200): string {
  const lines = text.split(/\r\n|[\n\r\u2028\u2029\u0085\v\f]/).map((line) => inert(line, lineMax));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const shown = lines.slice(0, maxLines).map((line) => `│ ${line}`.trimEnd());
  if (lines.length > maxLines) shown.push(`│ …(${lines.length - maxLines} more lines)`);
  return shown.join('\n');
}
