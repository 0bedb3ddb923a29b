import { createHash } from 'node:crypto';
import { KINESIS_LIMITS } from './constants';
import { type EmulatorRecord, isJsonObject } from './parseEvent';

/** One record ready for `PutRecords`, remembering its position in the input. */
export interface PreparedRecord {
  /** Index of the record in the caller's input. */
  readonly index: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** Bytes counted against the Kinesis limits: data plus UTF-8 partition key. */
  readonly size: number;
}

/**
 * A record to send: an event entry, or bytes sent exactly as they are (a replay of stored records, or a line
 * that is not UTF-8, which no JSON event can carry).
 */
export type SendableRecord = EmulatorRecord | Uint8Array;

/** The CTR object behind a record, if there is one: raw strings and bytes are parsed only to find their ContactId. */
function ctrOf(record: SendableRecord): Record<string, unknown> | undefined {
  if (typeof record !== 'string' && !(record instanceof Uint8Array)) return record;
  try {
    const parsed: unknown = JSON.parse(
      typeof record === 'string'
        ? record
        : Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('utf8'),
    );
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined; // Deliberately bad input: it still gets a stable key.
  }
}

/**
 * Partition key of a record: its `ContactId`, so that every copy and version of a contact lands on the same shard
 * in order; SHA-256 hex of the data when there is no usable ContactId (missing, not a string, empty, too long).
 */
export function partitionKeyFor(record: SendableRecord, data: Uint8Array): string {
  const contactId = ctrOf(record)?.ContactId;
  // Length counts UTF-16 units, never fewer than the Unicode characters Kinesis counts.
  if (
    typeof contactId === 'string' &&
    contactId.length > 0 &&
    contactId.length <= KINESIS_LIMITS.maxPartitionKeyLength
  ) {
    return contactId;
  }
  return createHash('sha256').update(data).digest('hex');
}

/** Encodes a record for Kinesis: bytes as they are, a string byte for byte as UTF-8, an object as compact JSON. */
export function prepareRecord(record: SendableRecord, index: number): PreparedRecord {
  const data =
    record instanceof Uint8Array
      ? record
      : Buffer.from(typeof record === 'string' ? record : JSON.stringify(record), 'utf8');
  const partitionKey = partitionKeyFor(record, data);
  return { index, data, partitionKey, size: data.byteLength + Buffer.byteLength(partitionKey, 'utf8') };
}
