/**
 * Something in a record's JSON text that parsing hides (its fingerprint would merge different records), or
 * nesting past the rule.
 */
export interface JsonHazard {
  readonly reason: 'DUPLICATE_KEY' | 'UNREPRESENTABLE_NUMBER' | 'TOO_DEEPLY_NESTED';
  readonly detail: string;
}

/**
 * Deepest nesting of objects and arrays a record may have (a CTR has about 4 levels). Past it the record is
 * quarantined here, by rule, rather than wherever a recursive step (the fingerprint's canonical JSON,
 * pseudonymization) would run out of stack: that point depends on the runtime's stack, so the same record
 * could be accepted by one function and refused by another.
 */
export const MAX_JSON_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const INTEGER = /^-?\d+$/;

// Character codes, not one-character strings and regular expressions: this scan runs over every byte of
// every record, and comparing codes keeps it a small share of the handler's CPU.
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isNumberChar = (c: number) => isDigit(c) || c === MINUS || c === PLUS || c === DOT || c === 0x65 || c === 0x45;
const isWhitespace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/**
 * Finds what `JSON.parse` silently loses in a text it accepted: an object key given twice (the parser keeps
 * the last value, other readers may take the first, and the delivered bytes keep both), and a number a
 * double cannot hold (`1e400` becomes Infinity, `1e-400` zero, integers beyond 2^53 lose digits and
 * collapse to one fingerprint); and nesting past `MAX_JSON_DEPTH`. Hand-written because the parser exposes
 * none of these: one pass over the text with an explicit stack (no recursion of its own). `text` must be valid JSON.
 */
export function findJsonHazard(text: string): JsonHazard | undefined {
  // One entry per open container: the keys seen so far of an object, or null for an array.
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (stack.length === MAX_JSON_DEPTH)
        return {
          reason: 'TOO_DEEPLY_NESTED',
          detail: `objects and arrays are nested more than ${MAX_JSON_DEPTH} levels deep`,
        };
      stack.push(c === OPEN_BRACE ? new Set() : null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) stack.pop();
    else if (c === QUOTE) {
      const end = stringEnd(text, i);
      const keys = stack[stack.length - 1];
      if (keys && nextToken(text, end + 1) === COLON) {
        const inner = text.slice(i + 1, end);
        const name = inner.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : inner;
        if (keys.has(name))
          return {
            reason: 'DUPLICATE_KEY',
            detail: `the key ${JSON.stringify(name.slice(0, 64))} appears twice in one object`,
          };
        keys.add(name);
      }
      i = end;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const problem = numberProblem(text.slice(i, end));
      if (problem) return { reason: 'UNREPRESENTABLE_NUMBER', detail: problem };
      i = end - 1;
    }
  }
  return undefined;
}

/**
 * Index of the quote closing the string that opens at `start`: the next quote not escaped, i.e. preceded by an even
 * number of backslashes. `indexOf` jumps over the string's text, which most of a CTR is, instead of stepping through it.
 */
function stringEnd(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
  }
  return text.length;
}

function nextToken(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i < text.length ? text.charCodeAt(i) : undefined;
}

function numberProblem(token: string): string | undefined {
  const value = Number(token);
  if (!Number.isFinite(value)) return `the number ${token.slice(0, 32)} is too large for a double`;
  if (value === 0 && /[1-9]/.test(token.split(/[eE]/)[0]))
    return `the number ${token.slice(0, 32)} is too small for a double and reads as 0`;
  // Written as a whole number (an id, a count): exact digits matter. An exponent or fraction reads as a double.
  if (INTEGER.test(token) && !Number.isSafeInteger(value))
    return `the integer ${token.slice(0, 32)} is beyond 2^53 and loses digits`;
  return undefined;
}
