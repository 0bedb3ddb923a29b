import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The same seeded PRNG the local Firehose endpoint's faults use: every run and design sees the same corpus.
import { mulberry32 as seededRandom } from '../local/firehose/faults';

/** What to generate. */
export interface CorpusOptions {
  /** Records in the stream, copies included. */
  readonly records: number;
  /** Fraction of the records that are exact copies of an earlier record (0 to <1). */
  readonly dupRatio: number;
  /** @default 7 */
  readonly seed?: number;
  /** Contacts get 1 to this many versions (same ContactId, later LastUpdateTimestamp). @default 3 */
  readonly maxVersions?: number;
}

/** A stream's worth of CTRs, in stream order, with what a correct dedup must let through. */
export interface Corpus {
  /** Record bodies in stream order (compact JSON, about 3 KB each). */
  readonly records: readonly Buffer[];
  /** Records a correct dedup forwards: every version of every contact, once. */
  readonly distinct: number;
  readonly contacts: number;
  /** Copies that follow their original within this many records (likely the same batch). */
  readonly nearWindow: number;
}

const SAMPLES = ['case1.json', 'case2.json', 'case3.json'];
const NEAR_WINDOW = 50;
const DAY_MS = 86_400_000;

/** Hex digits in UUID layout from the random source: ContactIds that look like Connect's. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Generates CTRs from the three sample records: fresh ContactIds, contacts over a week (several date
 * partitions), 1-3 versions a contact, and fictitious phone numbers (555 numbers, never real ones).
 * Copies are byte-identical, as Connect's at-least-once redeliveries are; half follow their original
 * closely (in-batch copies), half anywhere later (copies across batches).
 */
export function generateCorpus(options: CorpusOptions, samplesDir = join(__dirname, '..', 'samples')): Corpus {
  if (!Number.isInteger(options.records) || options.records < 1)
    throw new RangeError('records must be a positive integer');
  if (!(options.dupRatio >= 0 && options.dupRatio < 1)) throw new RangeError('dupRatio must be in [0, 1)');
  const random = seededRandom(options.seed ?? 7);
  const templates = SAMPLES.map(
    (name) => JSON.parse(readFileSync(join(samplesDir, name), 'utf8')) as Record<string, unknown>,
  );
  const maxVersions = options.maxVersions ?? 3;
  const distinctCount = Math.max(1, Math.round(options.records * (1 - options.dupRatio)));

  const distinct: Buffer[] = [];
  let contacts = 0;
  const start = Date.UTC(2022, 0, 3);
  while (distinct.length < distinctCount) {
    contacts++;
    const template = templates[contacts % templates.length];
    const contactId = uuid(random);
    const initiation = start + Math.floor((random() * 7 * DAY_MS) / 1000) * 1000;
    const versions = Math.min(1 + Math.floor(random() * maxVersions), distinctCount - distinct.length);
    let lastUpdate = initiation + 60_000 + Math.floor(random() * 3_600_000);
    for (let v = 0; v < versions; v++) {
      const ctr = {
        ...template,
        ContactId: contactId,
        InitiationTimestamp: iso(initiation),
        LastUpdateTimestamp: iso(lastUpdate),
        CustomerEndpoint: {
          Address: `+1555${String(contacts % 10_000_000).padStart(7, '0')}`,
          Type: 'TELEPHONE_NUMBER',
        },
      };
      distinct.push(Buffer.from(JSON.stringify(ctr)));
      lastUpdate += 1000 + Math.floor(random() * 3 * DAY_MS);
    }
  }

  // Stream position of each record: originals at their index, copies shortly or anywhere after theirs.
  const placed = distinct.map((body, i) => ({ body, at: i }));
  for (let c = 0; c < options.records - distinctCount; c++) {
    const source = Math.floor(random() * distinctCount);
    const near = random() < 0.5;
    const span = near ? NEAR_WINDOW : distinctCount - source;
    placed.push({ body: distinct[source], at: source + 0.5 + random() * Math.max(1, span) });
  }
  placed.sort((a, b) => a.at - b.at);
  return { records: placed.map((p) => p.body), distinct: distinctCount, contacts, nearWindow: NEAR_WINDOW };
}

/** Copies in the stream cut into batches: those whose original is in the same batch, and the others. */
export function copyCounts(records: readonly Buffer[], batchSize: number): { inBatch: number; crossBatch: number } {
  const seen = new Set<string>();
  let inBatch = 0;
  let crossBatch = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    const batch = new Set<string>();
    for (const record of records.slice(i, i + batchSize)) {
      const key = record.toString('latin1');
      if (batch.has(key)) inBatch++;
      else if (seen.has(key)) crossBatch++;
      batch.add(key);
      seen.add(key);
    }
  }
  return { inBatch, crossBatch };
}
