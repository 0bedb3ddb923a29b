import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../local/firehose/faults';

/** A generated input and what a correct pipeline must deliver, computed from the input alone. */
export interface Corpus {
  /** Newline-delimited input lines, in send order. */
  readonly lines: string[];
  /** Canonical JSON of every distinct valid record (exact and key-reordered copies collapse; versions do not). */
  readonly expected: Set<string>;
  /** Input lines by canonical JSON: a delivered line must be byte-identical to one of them. */
  readonly linesByCanonical: Map<string, Set<string>>;
  /** Lines that are not JSON. */
  readonly malformed: number;
  /** Distinct ContactIds per partition date. */
  readonly contactsPerDay: Map<string, number>;
}

/** JSON with object keys sorted at every level: equal for records that differ only in key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

const reorderKeys = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).reverse());

/**
 * Generates CTRs from the case1 sample: `contacts` contacts over three days, some with a second version,
 * with exact copies, key-reordered copies and malformed lines, shuffled with a seed.
 */
export function generateCorpus(contacts: number, seed = 7): Corpus {
  const template = JSON.parse(readFileSync(join(__dirname, '../../samples/case1.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const random = mulberry32(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const days = ['2022-01-05', '2022-01-06', '2022-01-07'];
  const distinct: Record<string, unknown>[] = [];
  for (let i = 0; i < contacts; i += 1) {
    const contactId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const day = days[i % days.length];
    const base = {
      ...template,
      ContactId: contactId,
      InitialContactId: null,
      InitiationTimestamp: `${day}T10:${String(i % 60).padStart(2, '0')}:00Z`,
      LastUpdateTimestamp: `${day}T11:00:00Z`,
      Attributes: { Seq: String(i) },
    };
    distinct.push(base);
    if (random() < 0.3) {
      distinct.push({ ...base, LastUpdateTimestamp: `${day}T12:00:00Z`, Attributes: { Seq: String(i), Survey: 'Y' } });
    }
  }
  const lines: string[] = [];
  const linesByCanonical = new Map<string, Set<string>>();
  const add = (record: Record<string, unknown>) => {
    const line = JSON.stringify(record);
    lines.push(line);
    const key = canonical(record);
    if (!linesByCanonical.has(key)) linesByCanonical.set(key, new Set());
    linesByCanonical.get(key)!.add(line);
  };
  for (const record of distinct) {
    add(record);
    if (random() < 0.4) add(record);
    if (random() < 0.2) add(reorderKeys(record));
  }
  const malformed = Math.max(1, Math.floor(contacts / 40));
  for (let i = 0; i < malformed; i += 1) lines.push(i % 2 ? `not json ${i}` : `{"ContactId": "truncated-${i}"`);
  // Deterministic shuffle (Fisher-Yates).
  for (let i = lines.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const perDay = new Map<string, Set<string>>();
  for (const record of distinct) {
    const day = String(record.InitiationTimestamp).slice(0, 10);
    if (!perDay.has(day)) perDay.set(day, new Set());
    perDay.get(day)!.add(String(record.ContactId));
  }
  return {
    lines,
    expected: new Set(distinct.map(canonical)),
    linesByCanonical,
    malformed,
    contactsPerDay: new Map([...perDay].map(([day, ids]) => [day, ids.size])),
  };
}
