/**
 * Lark's payloads are a few levels deep (a card's form value about eight). Anything nested far
 * deeper is not from Lark, and walking it recursively would overflow the stack: it is refused
 * (HTTP) or ignored (long connection) instead of answered with a 500 that Lark retries forever.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON text nests deeper than `max`, counted in one pass without parsing it. */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
