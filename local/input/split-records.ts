/**
 * Splits a byte stream of CTRs into records, chunk by chunk, holding at most one record (plus the
 * chunk being read) in memory. Hand-written because no npm JSON streamer keeps the rules this input
 * needs: a line that is not JSON, or not UTF-8, must come out as its exact bytes (for quarantine), and
 * one splitter must take newline-delimited records, a JSON array, one object, and objects concatenated
 * with no separator (the original demo's Firehose objects).
 *
 * Records come out as the bytes to put into the stream: a newline-delimited line as it is (CR and blank
 * lines dropped); an array entry or a concatenated value that is a JSON object as compact JSON; a string
 * entry as its text; any other entry as its JSON text; bytes that do not parse as their raw bytes.
 */

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const isSpace = (b: number) => b === SPACE || b === TAB || b === CR || b === LF;

/** How the input is laid out, decided from its first bytes. */
export type InputLayout = 'lines' | 'array' | 'values';

/** Where a JSON value (object or array) that starts at `start` ends, scanning from a saved state. */
interface ValueScan {
  pos: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
}

/** Advances `scan` through `buf`; returns the index just past the value's end, or -1 if it has not ended. */
function scanValue(buf: Buffer, scan: ValueScan): number {
  let { pos, depth, inString, escaped } = scan;
  for (; pos < buf.length; pos += 1) {
    const b = buf[pos];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth += 1;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) {
        Object.assign(scan, { pos: pos + 1, depth, inString, escaped });
        return pos + 1;
      }
    }
  }
  Object.assign(scan, { pos, depth, inString, escaped });
  return -1;
}

/** JSON text of one value as the bytes to send (see the file comment); raw bytes when it does not parse. */
export function valueToRecord(bytes: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bytes;
  }
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  // Re-serialised so a pretty-printed object becomes one line, as Firehose's newline-delimited output needs.
  return Buffer.from(JSON.stringify(parsed), 'utf8');
}

const parsesAlone = (line: Buffer): boolean => {
  try {
    JSON.parse(line.toString('utf8'));
    return true;
  } catch {
    return false;
  }
};

/**
 * Decides the layout from the buffered start of an input (BOM and leading space already removed), or
 * returns undefined when more bytes are needed. `ended` says no more bytes will come.
 */
export function detectLayout(buf: Buffer, ended: boolean): InputLayout | undefined {
  if (buf.length === 0) return ended ? 'lines' : undefined;
  if (buf[0] === OPEN_BRACKET) return 'array';
  if (buf[0] !== OPEN_BRACE) return 'lines';
  const end = scanValue(buf, { pos: 0, depth: 0, inString: false, escaped: false });
  const firstLf = buf.indexOf(LF);
  if (end !== -1 && (firstLf === -1 || firstLf > end)) {
    // One object on the first line: what follows it on that line tells newline-delimited from concatenated.
    for (let i = end; i < buf.length; i += 1) {
      if (buf[i] === LF) return 'lines';
      if (!isSpace(buf[i])) return 'values';
    }
    return ended ? 'lines' : undefined;
  }
  // The first object spans lines: pretty-printed, or a broken first line of newline-delimited records.
  // A second line that is JSON on its own says the latter.
  const secondStart = firstLf + 1;
  const secondEnd = buf.indexOf(LF, secondStart);
  if (secondEnd !== -1 || ended) {
    const second = buf.subarray(secondStart, secondEnd === -1 ? buf.length : secondEnd);
    if (second.toString('utf8').trim() !== '' && parsesAlone(second)) return 'lines';
    if (end !== -1 || ended) return end === -1 ? 'lines' : 'values';
  }
  return undefined;
}

/**
 * A push splitter: feed it chunks with `push`, then call `end`; each returns the records completed.
 * @example
 * const s = new RecordSplitter();
 * const records = [...s.push(chunk1), ...s.push(chunk2), ...s.end()];
 */
export class RecordSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private layout: InputLayout | undefined;
  private scan: ValueScan = { pos: 0, depth: 0, inString: false, escaped: false };
  /** In an array: whether the opening bracket has been consumed. */
  private inArray = false;

  /** Bytes held for the record being split: never more than one record and the chunk it arrived in. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The layout once known. */
  get detected(): InputLayout | undefined {
    return this.layout;
  }

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return this.drain(false);
  }

  end(): Buffer[] {
    return this.drain(true);
  }

  private drain(ended: boolean): Buffer[] {
    if (!this.started) {
      if (this.pending.length < BOM.length && !ended && BOM.subarray(0, this.pending.length).equals(this.pending))
        return [];
      if (this.pending.subarray(0, BOM.length).equals(BOM)) this.pending = this.pending.subarray(BOM.length);
      this.started = true;
    }
    if (this.layout === undefined) {
      let i = 0;
      while (i < this.pending.length && isSpace(this.pending[i])) i += 1;
      this.pending = this.pending.subarray(i);
      this.layout = detectLayout(this.pending, ended);
      if (this.layout === undefined) return [];
    }
    const out: Buffer[] = [];
    if (this.layout === 'lines') this.lines(out, ended);
    else this.values(out, ended);
    return out;
  }

  private lines(out: Buffer[], ended: boolean): void {
    const buf = this.pending;
    let start = 0;
    for (;;) {
      const lf = buf.indexOf(LF, start);
      if (lf === -1) break;
      this.emitLine(buf.subarray(start, lf), out);
      start = lf + 1;
    }
    this.pending = buf.subarray(start);
    if (ended) {
      this.emitLine(this.pending, out);
      this.pending = Buffer.alloc(0);
    }
  }

  private emitLine(line: Buffer, out: Buffer[]): void {
    const body = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
    if (body.every(isSpace)) return;
    // A copy: the record must not pin the whole chunk it was read in.
    out.push(Buffer.from(body));
  }

  /** Concatenated values, or the entries of arrays (which may themselves be concatenated). */
  private values(out: Buffer[], ended: boolean): void {
    const buf = this.pending;
    let start = 0;
    for (;;) {
      if (this.scan.pos === 0 && this.scan.depth === 0) {
        // Between values: skip space, and in an array the separators and the brackets around entries.
        while (start < buf.length) {
          const b = buf[start];
          if (isSpace(b)) start += 1;
          else if (this.layout === 'array' && !this.inArray && b === OPEN_BRACKET) {
            this.inArray = true;
            start += 1;
          } else if (this.inArray && (b === COMMA || b === CLOSE_BRACKET)) {
            if (b === CLOSE_BRACKET) this.inArray = false;
            start += 1;
          } else break;
        }
        if (start >= buf.length) break;
      }
      const view = buf.subarray(start);
      const end = this.scanEntry(view, ended);
      if (end === -1) {
        this.pending = view;
        if (ended && view.length > 0) out.push(Buffer.from(view));
        if (ended) this.pending = Buffer.alloc(0);
        return;
      }
      out.push(valueToRecord(Buffer.from(view.subarray(0, end))));
      this.scan = { pos: 0, depth: 0, inString: false, escaped: false };
      start += end;
    }
    this.pending = Buffer.alloc(0);
  }

  /** End of the entry at the start of `view` (object, array, string or scalar), or -1 when not complete yet. */
  private scanEntry(view: Buffer, ended: boolean): number {
    const first = view[0];
    if (first === OPEN_BRACE || first === OPEN_BRACKET) return scanValue(view, this.scan);
    if (first === QUOTE) {
      // A string entry: scan it as if wrapped, using the string state only.
      const s: ValueScan = {
        pos: Math.max(this.scan.pos, 1),
        depth: 1,
        inString: this.scan.pos === 0 ? true : this.scan.inString,
        escaped: this.scan.escaped,
      };
      for (; s.pos < view.length; s.pos += 1) {
        const b = view[s.pos];
        if (s.escaped) s.escaped = false;
        else if (b === BACKSLASH) s.escaped = true;
        else if (b === QUOTE) return s.pos + 1;
      }
      Object.assign(this.scan, { pos: s.pos, inString: true, escaped: s.escaped });
      return -1;
    }
    // A scalar, or bytes that are not JSON: up to the next separator (a comma or bracket in an array, else a
    // newline or the next object).
    for (let i = Math.max(this.scan.pos, 1); i < view.length; i += 1) {
      const b = view[i];
      if (b === LF || (this.inArray && (b === COMMA || b === CLOSE_BRACKET)) || (!this.inArray && b === OPEN_BRACE)) {
        return trimEnd(view, i);
      }
      this.scan.pos = i + 1;
    }
    return ended ? view.length : -1;
  }
}

/** Index just past the last non-space byte before `end` (at least 1: the entry's first byte). */
function trimEnd(view: Buffer, end: number): number {
  let i = end;
  while (i > 1 && isSpace(view[i - 1])) i -= 1;
  return i;
}
