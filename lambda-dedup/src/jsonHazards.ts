/** Something in a record's JSON text that parsing hides, so that its fingerprint would merge different records. */
export interface JsonHazard {
  readonly reason: 'DUPLICATE_KEY' | 'UNREPRESENTABLE_NUMBER';
  readonly detail: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const NUMBER_START = /[-0-9]/;
const NUMBER_CHAR = /[-+.eE0-9]/;
const WHITESPACE = /[ \t\r\n]/;
const INTEGER = /^-?\d+$/;

/**
 * Finds what `JSON.parse` silently loses in a text it accepted: an object key given twice (the parser keeps
 * the last value, other readers may take the first, and the delivered bytes keep both), and a number a
 * double cannot hold (`1e400` becomes Infinity, `1e-400` zero, integers beyond 2^53 lose digits and
 * collapse to one fingerprint). Hand-written because the parser exposes neither: one pass over the text
 * with an explicit stack (no recursion, so any nesting depth is safe). `text` must be valid JSON.
 */
export function findJsonHazard(text: string): JsonHazard | undefined {
  // One entry per open container: the keys seen so far of an object, or null for an array.
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      const end = stringEnd(text, i);
      const keys = stack[stack.length - 1];
      if (keys && nextToken(text, end + 1) === COLON) {
        const raw = text.slice(i, end + 1);
        const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(name)) return { reason: 'DUPLICATE_KEY', detail: `the key ${JSON.stringify(name.slice(0, 64))} appears twice in one object` };
        keys.add(name);
      }
      i = end;
    } else if (NUMBER_START.test(c)) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHAR.test(text[end])) end++;
      const problem = numberProblem(text.slice(i, end));
      if (problem) return { reason: 'UNREPRESENTABLE_NUMBER', detail: problem };
      i = end - 1;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return text.length;
}

function nextToken(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length && WHITESPACE.test(text[i])) i++;
  return i < text.length ? text.charCodeAt(i) : undefined;
}

function numberProblem(token: string): string | undefined {
  const value = Number(token);
  if (!Number.isFinite(value)) return `the number ${token.slice(0, 32)} is too large for a double`;
  if (value === 0 && /[1-9]/.test(token.split(/[eE]/)[0])) return `the number ${token.slice(0, 32)} is too small for a double and reads as 0`;
  // Written as a whole number (an id, a count): exact digits matter. An exponent or fraction reads as a double.
  if (INTEGER.test(token) && !Number.isSafeInteger(value)) return `the integer ${token.slice(0, 32)} is beyond 2^53 and loses digits`;
  return undefined;
}
