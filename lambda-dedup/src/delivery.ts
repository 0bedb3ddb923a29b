import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { Sleep } from '../../lambda-common/backoff';
import { chunkBySize } from '../../lambda-common/chunk';
import { type EntryOutcome, sendWithResend } from '../../lambda-common/resend';
import { FIREHOSE_LIMITS } from './constants';

/** A record to deliver, under an id the caller uses to match results. */
export interface DeliveryItem {
  readonly id: string;
  /** The exact bytes Firehose writes (the record plus its newline). */
  readonly data: Uint8Array;
}

/** A record Firehose did not accept after every attempt. */
export interface DeliveryFailure {
  readonly id: string;
  readonly errorCode: string;
}

/** What happened to each item. Every item is in exactly one of `delivered` and `failed`. */
export interface DeliveryResult {
  readonly delivered: string[];
  readonly failed: DeliveryFailure[];
  /** Entries sent again after a failure. */
  readonly resends: number;
  readonly calls: number;
}

export interface DeliveryOptions {
  /** Attempts per record, the first send included. */
  readonly maxAttempts: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/**
 * Delivers records with PutRecordBatch, in calls within its limits (500 records, 4 MiB).
 * PutRecordBatch can succeed while rejecting some entries (`FailedPutCount`), which the SDK does not retry:
 * those entries, and only those, are resent with backoff until `maxAttempts`. A call that throws (after the
 * SDK's own retries) counts as a failure of each of its entries.
 */
export async function deliver(
  client: FirehoseClient,
  deliveryStreamName: string,
  items: readonly DeliveryItem[],
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const result = await sendWithResend(items, chunkForFirehose, (chunk) => putChunk(client, deliveryStreamName, chunk), {
    ...RESEND_BACKOFF,
    maxAttempts: options.maxAttempts,
    sleep: options.sleep,
    random: options.random,
  });
  return {
    delivered: result.accepted.map((item) => item.id),
    failed: result.rejected.map((r) => ({ id: r.item.id, errorCode: r.code })),
    resends: result.resends,
    calls: result.calls,
  };
}

const RESEND_BACKOFF = { baseDelayMs: 100, maxDelayMs: 2000 } as const;

async function putChunk(
  client: FirehoseClient,
  deliveryStreamName: string,
  chunk: readonly DeliveryItem[],
): Promise<EntryOutcome[]> {
  try {
    const response = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: deliveryStreamName,
        Records: chunk.map((item) => ({ Data: item.data })),
      }),
    );
    const entries = response.RequestResponses ?? [];
    return chunk.map((_, i) =>
      entries[i]?.RecordId && !entries[i].ErrorCode
        ? { ok: true }
        : { ok: false, code: entries[i]?.ErrorCode ?? 'MissingResponseEntry' },
    );
  } catch (error) {
    // Sent again like a rejected entry: the SDK's retries of a whole call are short, a record's chance is not.
    const code = (error as Error).name || 'Error';
    return chunk.map(() => ({ ok: false, code }));
  }
}

/** Splits items into PutRecordBatch calls of at most 500 records and 4 MiB, keeping their order. */
export function chunkForFirehose(items: readonly DeliveryItem[]): DeliveryItem[][] {
  return chunkBySize(items, FIREHOSE_LIMITS, (item) => item.data.length);
}
