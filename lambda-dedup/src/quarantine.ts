import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineReason } from './classifyRecord';

/** Where a quarantined record came from. */
export interface RecordOrigin {
  readonly eventSourceARN: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Epoch seconds, as in the Kinesis event. */
  readonly approximateArrivalTimestamp: number;
}

/** A record kept out of the CTR data, with why and where from. */
export interface QuarantineEntry {
  readonly reason: QuarantineReason;
  readonly detail: string;
  readonly origin: RecordOrigin;
  readonly data: Buffer;
}

/** The partition of the quarantine that holds the records arrived on `arrival`'s UTC day. */
export function quarantineDayPrefix(prefix: string, arrival: Date): string {
  return `${prefix}dt=${arrival.toISOString().slice(0, 10)}/`;
}

/**
 * The object key of a quarantined record: by arrival date, shard and sequence number, so a retry
 * overwrites the same object instead of adding a copy.
 */
export function quarantineKey(prefix: string, origin: RecordOrigin): string {
  const day = quarantineDayPrefix(prefix, new Date(origin.approximateArrivalTimestamp * 1000));
  return `${day}${origin.shardId}/${origin.sequenceNumber}.json`;
}

/**
 * Stores a quarantined record in S3 as JSON: reason, origin and the record's bytes in base64 (it may not
 * be text). The bucket's default encryption applies. Returns the key.
 */
export async function quarantineRecord(
  client: S3Client,
  bucket: string,
  prefix: string,
  entry: QuarantineEntry,
  quarantinedAt: Date,
): Promise<string> {
  const key = quarantineKey(prefix, entry.origin);
  const body = JSON.stringify({
    reason: entry.reason,
    detail: entry.detail,
    ...entry.origin,
    quarantinedAt: quarantinedAt.toISOString(),
    dataBytes: entry.data.length,
    dataBase64: entry.data.toString('base64'),
  });
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  return key;
}
