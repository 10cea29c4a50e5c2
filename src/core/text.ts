/**
 * Quoting user input in messages. Ids, keys and names come from files anyone can write, so a message never
 * repeats more than a short prefix of them: a 10 MB key must not become a 10 MB error line.
 */

/** Characters of user text a message shows before cutting it off. */
export const QUOTE_LIMIT = 60;

const count = (n: number) => n.toLocaleString('en-US');

/** The first `max - 1` characters of `text`, never ending in half a surrogate pair (it would print as U+FFFD). */
function prefix(text: string, max: number): string {
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/** `text` cut to `max` characters with an ellipsis and its full length, or as it is when short enough. */
export function clip(text: string, max = QUOTE_LIMIT): string {
  return text.length <= max ? text : `${prefix(text, max)}… (${count(text.length)} characters)`;
}

/** A string in double quotes, as JSON writes it, cut like `clip`: `"AAAA…" (10,485,760 characters)`. */
export function quote(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(prefix(text, max)).slice(0, -1)}…" (${count(text.length)} characters)`;
}

/**
 * Caps a list of lines for a message: the first `max`, then one line counting the rest ("… and 149,978 more").
 * `noun` names what is counted (`error` → `errors`).
 */
export function capLines(lines: readonly string[], max: number, noun?: string): string[] {
  if (lines.length <= max) return [...lines];
  const rest = lines.length - max;
  return [...lines.slice(0, max), `… and ${count(rest)} more${noun ? ` ${noun}${rest === 1 ? '' : 's'}` : ''}`];
}
