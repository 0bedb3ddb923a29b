import { FIREHOSE_LIMITS } from './constants';
import { impossibleContactDate } from './contactDate';
import { type FingerprintMode, fingerprint } from './fingerprint';
import { findJsonHazard } from './jsonHazards';

/** Why a record was quarantined instead of forwarded. */
export type QuarantineReason =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'INVALID_UTF8'
  | 'NOT_JSON'
  | 'TOO_DEEPLY_NESTED'
  | 'NOT_AN_OBJECT'
  | 'MISSING_CONTACT_ID'
  | 'MISSING_INITIATION_TIMESTAMP'
  /** A real day no partition holds: `2022-02-30`, before Amazon Connect existed, or in the future. */
  | 'IMPOSSIBLE_INITIATION_DATE'
  /** An object key given twice: readers disagree on its value. */
  | 'DUPLICATE_KEY'
  /** A number a double cannot hold exactly (`1e400`, an integer beyond 2^53): copies and versions would merge. */
  | 'UNREPRESENTABLE_NUMBER'
  /** Anything else the fingerprint cannot handle: quarantined rather than failing the batch. */
  | 'NOT_FINGERPRINTABLE';

/** A record fit for the data lake: its fingerprint and the exact line to deliver. */
export interface ValidCtr {
  readonly kind: 'ctr';
  readonly fingerprint: string;
  /** The record as received without line breaks, plus one newline (Firehose adds no delimiter). */
  readonly line: Buffer;
  /** The record parsed (after fingerprinting; pseudonymizing reuses it rather than parsing `line` again). */
  readonly ctr: Record<string, unknown>;
}

/** A record that must not reach the CTR data. */
export interface RejectedRecord {
  readonly kind: 'quarantine';
  readonly reason: QuarantineReason;
  /** Human detail for the quarantine object; may quote the payload, so it is never logged. */
  readonly detail: string;
}

export type ClassifiedRecord = ValidCtr | RejectedRecord;

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true });
// Firehose partitions on the date in InitiationTimestamp; a record without one would land in Firehose's
// error output, which no table reads.
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

const reject = (reason: QuarantineReason, detail: string): RejectedRecord => ({ kind: 'quarantine', reason, detail });

/**
 * Decides whether a stream record is a CTR to deduplicate or a record to quarantine, and computes its
 * fingerprint. Pure (no I/O); `nowMs` only bounds how far in the future a contact's date may lie. Never
 * throws: whatever it cannot handle is quarantined with a reason.
 */
export function classifyRecord(data: Buffer, mode: FingerprintMode, nowMs: number = Date.now()): ClassifiedRecord {
  const checked = checkRecord(data, nowMs);
  if (checked.kind === 'quarantine') return checked;
  let fp: string;
  try {
    fp = fingerprint(mode, checked.unmarked, checked.ctr);
  } catch (error) {
    // Unreachable for what `checkRecord` accepts (nesting is bounded, numbers are finite); kept so that a
    // record the fingerprint still cannot handle is quarantined rather than failing the batch.
    if (error instanceof RangeError) return reject('TOO_DEEPLY_NESTED', error.message);
    return reject('NOT_FINGERPRINTABLE', (error as Error).message);
  }
  return { kind: 'ctr', fingerprint: fp, line: checked.line, ctr: checked.ctr };
}

/** A record the rules accept, before its fingerprint: what `classifyRecord` fingerprints. */
export interface CheckedCtr extends Omit<ValidCtr, 'fingerprint'> {
  /** The record's bytes without a byte-order mark: what `raw` mode fingerprints. */
  readonly unmarked: Buffer;
}

/**
 * `classifyRecord`'s rules without the fingerprint: for a reader that needs the decision and the record
 * delivered but keeps its own identity (`ctr local --verify`), and would otherwise pay for a digest it drops.
 */
export function checkRecord(data: Buffer, nowMs: number = Date.now()): CheckedCtr | RejectedRecord {
  if (data.length === 0) return reject('EMPTY', 'the record has no data');
  // A UTF-8 byte-order mark is not part of the JSON: parsing ignores it, so the delivered line must not
  // keep it either (it would break partitioning and the table's SerDe, and differ from its clean copy).
  const unmarked = data.subarray(0, BOM.length).equals(BOM) ? data.subarray(BOM.length) : data;
  // In valid JSON a raw CR or LF can only be whitespace between tokens, so dropping them keeps the record
  // equal and makes it one line of newline-delimited JSON.
  const body =
    unmarked.includes(LF) || unmarked.includes(CR)
      ? Buffer.from(unmarked.filter((b) => b !== LF && b !== CR))
      : unmarked;
  const lineBytes = body.length + 1;
  if (lineBytes > FIREHOSE_LIMITS.maxRecordBytes) {
    return reject(
      'TOO_LARGE',
      `${lineBytes} bytes with its newline; Firehose accepts ${FIREHOSE_LIMITS.maxRecordBytes}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return reject('INVALID_UTF8', 'the record is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) return reject('TOO_DEEPLY_NESTED', error.message);
    return reject('NOT_JSON', (error as Error).message);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return reject(
      'NOT_AN_OBJECT',
      `the record is JSON ${Array.isArray(parsed) ? 'array' : parsed === null ? 'null' : typeof parsed}, not an object`,
    );
  }
  const ctr = parsed as Record<string, unknown>;
  if (typeof ctr.ContactId !== 'string' || ctr.ContactId === '') {
    return reject('MISSING_CONTACT_ID', 'ContactId is missing or not a non-empty string');
  }
  if (typeof ctr.InitiationTimestamp !== 'string' || !DATE_PREFIX.test(ctr.InitiationTimestamp)) {
    return reject('MISSING_INITIATION_TIMESTAMP', 'InitiationTimestamp is missing or does not start with YYYY-MM-DD');
  }
  const impossible = impossibleContactDate(ctr.InitiationTimestamp, nowMs);
  if (impossible) return reject('IMPOSSIBLE_INITIATION_DATE', impossible);
  const hazard = findJsonHazard(text);
  if (hazard) return reject(hazard.reason, hazard.detail);
  const line = Buffer.allocUnsafe(lineBytes);
  body.copy(line);
  line[body.length] = LF;
  return { kind: 'ctr', line, ctr, unmarked };
}
