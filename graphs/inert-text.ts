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
  return characters.length > max ? `${characters.slice(0, max - 1).join('').trimEnd()}…` : flat;
}
