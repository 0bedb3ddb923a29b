import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkRecord } from '../lambda-dedup/src/classifyRecord';
import { DEFAULT_QUARANTINE_PREFIX } from '../lambda-dedup/src/constants';
import type { Pseudonymize } from '../lambda-dedup/src/pseudonymize';
import { DELIVERY_LAYOUT, staticRoot } from '../lib/definitions/delivery-layout';
import { bytesOf, type InputRecord } from './input';

/** How the delivered set compares with the input (`ctr local --verify`). */
export interface VerifyReport {
  /** Stream records sent. */
  readonly inputRecords: number;
  /** Distinct valid CTRs in the input (exact and key-reordered copies count once, versions each). */
  readonly expectedDistinct: number;
  /** Delivered lines: the source-record backup under `backup/`, each record as the function sent it. */
  readonly deliveredLines: number;
  /** Expected CTRs delivered nowhere (records in the failure destination included). */
  readonly lost: number;
  /** Extra deliveries of a CTR already delivered. */
  readonly duplicated: number;
  /** Delivered lines that match no valid input record. */
  readonly unexpected: number;
  /** Input records the rules reject, and quarantine objects found for them with the same reason. */
  readonly expectedQuarantine: number;
  readonly quarantined: number;
  /** Rejected input records without a quarantine object carrying their reason. */
  readonly quarantineMissing: number;
  /** Quarantine objects by reason. */
  readonly quarantineReasons: Readonly<Record<string, number>>;
  /** Records the event source mapping gave up on (under `failures/`). */
  readonly failedRecords: number;
  /** Contacts whose latest delivered version (newest LastUpdateTimestamp) is not the input's latest. */
  readonly latestMismatches: number;
  /** Whether duplicates fail the check: they do unless a fault the Guarantees call at-least-once was injected. */
  readonly duplicatesFail: boolean;
  /** Nothing lost, nothing unexpected, every rejected record quarantined, latest versions exact, no duplicate where none may be. */
  readonly ok: boolean;
}

/** The bytes the emulator puts into the stream for an input record. */
export const inputBytes = (record: InputRecord): Buffer => bytesOf(record);

// Identities are kept as SHA-256 digests, not texts: memory stays small on inputs of hundreds of MB.
const digest = (text: string | Buffer) => createHash('sha256').update(text).digest('base64');

/** JSON with keys sorted at every level: the identity of a CTR regardless of key order or spacing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function filesUnder(dir: string, prefix: string): string[] {
  const root = join(dir, prefix);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  try {
    walk(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return out.sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}

interface Ctr {
  readonly key: string;
  readonly contactId: string;
  readonly updated: string;
}

const toCtr = (parsed: Record<string, unknown>): Ctr => ({
  key: digest(canonicalJson(parsed)),
  contactId: String(parsed.ContactId),
  updated: String(parsed.LastUpdateTimestamp ?? ''),
});

/** Latest version per contact: the record with the newest LastUpdateTimestamp (ties: every such record). */
function latestPerContact(ctrs: Iterable<Ctr>): Map<string, Set<string>> {
  const best = new Map<string, { updated: string; keys: Set<string> }>();
  for (const c of ctrs) {
    const current = best.get(c.contactId);
    if (!current || c.updated > current.updated) best.set(c.contactId, { updated: c.updated, keys: new Set([c.key]) });
    else if (c.updated === current.updated) current.keys.add(c.key);
  }
  return new Map([...best].map(([id, b]) => [id, b.keys]));
}

/**
 * Compares what a local run wrote under `outDir` (the bucket's layout) with the records sent. Which records
 * are valid comes from the dedup function's documented rules applied to the input; identity is canonical
 * JSON computed here, independently of the function's fingerprint (`FINGERPRINT_MODE=canonical`, the default).
 * `pseudonymize` is the run's pseudonymizer, applied to the expected records as the function applies it.
 */
export function verifyDelivery(inputs: readonly Buffer[], outDir: string, options: VerifyOptions = {}): VerifyReport {
  const verifier = new DeliveryVerifier(options);
  for (const data of inputs) verifier.add(data);
  return verifier.check(outDir);
}

/** Options of {@link verifyDelivery} and {@link DeliveryVerifier}. */
export interface VerifyOptions {
  /** Whether a duplicate fails the check: it does unless a fault the Guarantees call at-least-once was injected. @default true */
  readonly duplicatesFail?: boolean;
  /** The run's pseudonymizer, applied to the expected records as the dedup function applies it. @default none */
  readonly pseudonymize?: Pseudonymize;
}

/**
 * `verifyDelivery` fed one record at a time, so a streamed input is never held whole: `add` each record
 * sent, then `check` the output directory.
 */
export class DeliveryVerifier {
  constructor(private readonly options: VerifyOptions = {}) {}

  private readonly expected = new Map<string, Ctr>();
  private readonly expectedRejects = new Map<string, { reason: string; count: number }>();
  private expectedQuarantine = 0;
  private inputRecords = 0;

  /** Records one input record's bytes, as sent. */
  add(data: Buffer): void {
    this.inputRecords += 1;
    // The function's rules without its fingerprint, which this identity does not use (35 µs a record): the rules
    // bound nesting and numbers, so the fingerprint refuses nothing they accept (docs/scale.md, sixth round).
    const classified = checkRecord(data);
    if (classified.kind === 'quarantine') {
      this.expectedQuarantine += 1;
      const id = digest(data);
      const entry = this.expectedRejects.get(id) ?? { reason: classified.reason, count: 0 };
      entry.count += 1;
      this.expectedRejects.set(id, entry);
    } else {
      // The record the function delivers (a byte-order mark dropped, pseudonymized when the run does), not the raw
      // bytes. The rules parsed it already, and pseudonymizing changes that object in place, as in the function:
      // parsing the line twice more gave the same value for about 15 µs of this method's 120 (docs/scale.md).
      this.options.pseudonymize?.(classified.line, classified.ctr);
      const ctr = toCtr(classified.ctr);
      this.expected.set(ctr.key, ctr);
    }
  }

  /** Compares the objects under `outDir` with every record added. */
  check(outDir: string): VerifyReport {
    const steps = this.checking(outDir);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /**
   * `check`, giving the event loop a turn after each delivered object: the run's summary SQL, which DuckDB
   * works on in its own thread, then goes on beside it instead of waiting for the whole check.
   */
  async checkBeside(outDir: string): Promise<VerifyReport> {
    const steps = this.checking(outDir);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private *checking(outDir: string): Generator<void, VerifyReport> {
    const { expected, expectedRejects, expectedQuarantine } = this;

    const deliveredCount = new Map<string, number>();
    // Delivered lines matching no input record. Those that match one are that record (same identity, same
    // content), so only these need keeping for the latest-version check.
    const strays: Ctr[] = [];
    let deliveredLines = 0;
    let unexpected = 0;
    // The backup, not ctr/: the Parquet there keeps only the schema's columns, the backup every byte sent.
    for (const file of filesUnder(outDir, staticRoot(DELIVERY_LAYOUT.backupPrefix))) {
      const data = gunzipSync(readFileSync(file));
      // Line by line from the bytes, not one string of the object split: a string of megabytes lives in V8's
      // large-object space until a full collection, and one per object grew the heap by hundreds of MB.
      for (let start = 0; start < data.length; ) {
        const newline = data.indexOf(0x0a, start);
        const end = newline === -1 ? data.length : newline;
        const line = data.toString('utf8', start, end);
        start = end + 1;
        if (line === '') continue;
        deliveredLines += 1;
        let ctr: Ctr;
        try {
          ctr = toCtr(JSON.parse(line) as Record<string, unknown>);
        } catch {
          unexpected += 1;
          continue;
        }
        if (!expected.has(ctr.key)) {
          unexpected += 1;
          strays.push(ctr);
        }
        deliveredCount.set(ctr.key, (deliveredCount.get(ctr.key) ?? 0) + 1);
      }
      yield;
    }
    let lost = 0;
    for (const key of expected.keys()) if (!deliveredCount.has(key)) lost += 1;
    let duplicated = 0;
    for (const count of deliveredCount.values()) duplicated += count - 1;

    const quarantineReasons: Record<string, number> = {};
    let quarantined = 0;
    let matched = 0;
    for (const file of filesUnder(outDir, DEFAULT_QUARANTINE_PREFIX)) {
      const object = JSON.parse(readFileSync(file, 'utf8')) as { reason: string; dataBase64: string };
      quarantined += 1;
      quarantineReasons[object.reason] = (quarantineReasons[object.reason] ?? 0) + 1;
      const want = expectedRejects.get(digest(Buffer.from(object.dataBase64, 'base64')));
      if (want && want.count > 0 && want.reason === object.reason) {
        want.count -= 1;
        matched += 1;
      }
    }

    let failedRecords = 0;
    for (const file of filesUnder(outDir, 'failures/')) {
      const document = JSON.parse(readFileSync(file, 'utf8')) as { KinesisBatchInfo?: { batchSize?: number } };
      failedRecords += document.KinesisBatchInfo?.batchSize ?? 0;
    }

    const want = latestPerContact(expected.values());
    const delivered = function* () {
      for (const key of deliveredCount.keys()) {
        const ctr = expected.get(key);
        if (ctr) yield ctr;
      }
      yield* strays;
    };
    const got = latestPerContact(delivered());
    let latestMismatches = 0;
    for (const [contactId, keys] of want) {
      const found = got.get(contactId);
      if (!found || found.size !== keys.size || [...found].some((k) => !keys.has(k))) latestMismatches += 1;
    }
    const quarantineMissing = expectedQuarantine - matched;
    const duplicatesFail = this.options.duplicatesFail ?? true;
    return {
      inputRecords: this.inputRecords,
      expectedDistinct: expected.size,
      deliveredLines,
      lost,
      duplicated,
      unexpected,
      expectedQuarantine,
      quarantined,
      quarantineMissing,
      quarantineReasons,
      failedRecords,
      latestMismatches,
      duplicatesFail,
      ok:
        lost === 0 &&
        unexpected === 0 &&
        quarantineMissing === 0 &&
        latestMismatches === 0 &&
        !(duplicatesFail && duplicated > 0),
    };
  }
}
