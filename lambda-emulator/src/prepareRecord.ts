import { createHash } from 'node:crypto';
import { KINESIS_LIMITS } from './constants';
import { isJsonObject, type EmulatorRecord } from './parseEvent';

/** One record ready for `PutRecords`, remembering its position in the input. */
export interface PreparedRecord {
  /** Index of the record in the caller's input. */
  readonly index: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** Bytes counted against the Kinesis limits: data plus UTF-8 partition key. */
  readonly size: number;
}

/** The CTR object behind a record, if there is one: raw strings are parsed only to find their ContactId. */
function ctrOf(record: EmulatorRecord): Record<string, unknown> | undefined {
  if (typeof record !== 'string') return record;
  try {
    const parsed: unknown = JSON.parse(record);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined; // Deliberately bad input: it still gets a stable key.
  }
}

/**
 * Partition key of a record: its `ContactId`, so that every copy and version of a contact lands on the same shard
 * in order; SHA-256 hex of the data when there is no usable ContactId (missing, not a string, empty, too long).
 */
export function partitionKeyFor(record: EmulatorRecord, data: Uint8Array): string {
  const contactId = ctrOf(record)?.ContactId;
  // Length counts UTF-16 units, never fewer than the Unicode characters Kinesis counts.
  if (typeof contactId === 'string' && contactId.length > 0 && contactId.length <= KINESIS_LIMITS.maxPartitionKeyLength) {
    return contactId;
  }
  return createHash('sha256').update(data).digest('hex');
}

/** Encodes a record for Kinesis: a string byte for byte as UTF-8, an object as compact JSON. */
export function prepareRecord(record: EmulatorRecord, index: number): PreparedRecord {
  const data = Buffer.from(typeof record === 'string' ? record : JSON.stringify(record), 'utf8');
  const partitionKey = partitionKeyFor(record, data);
  return { index, data, partitionKey, size: data.byteLength + Buffer.byteLength(partitionKey, 'utf8') };
}
