/** Untrusted text as one line for a chat message: whitespace runs become one space, and it ends with … past `max`. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
