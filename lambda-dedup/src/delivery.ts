import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { backoffDelay, sleep as defaultSleep, type Sleep } from '../../lambda-common/backoff';
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
  const sleep = options.sleep ?? defaultSleep;
  const delivered: string[] = [];
  let pending: DeliveryItem[] = [...items];
  let lastError = new Map<string, string>();
  let resends = 0;
  let calls = 0;

  for (let attempt = 0; attempt < options.maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 0) {
      resends += pending.length;
      await sleep(backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 2000, random: options.random }));
    }
    const retry: DeliveryItem[] = [];
    lastError = new Map();
    for (const chunk of chunkForFirehose(pending)) {
      calls++;
      try {
        const response = await client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: deliveryStreamName, Records: chunk.map((item) => ({ Data: item.data })) }),
        );
        const entries = response.RequestResponses ?? [];
        chunk.forEach((item, i) => {
          const entry = entries[i];
          if (entry?.RecordId && !entry.ErrorCode) {
            delivered.push(item.id);
          } else {
            retry.push(item);
            lastError.set(item.id, entry?.ErrorCode ?? 'MissingResponseEntry');
          }
        });
      } catch (error) {
        const code = (error as Error).name || 'Error';
        for (const item of chunk) {
          retry.push(item);
          lastError.set(item.id, code);
        }
      }
    }
    pending = retry;
  }
  return {
    delivered,
    failed: pending.map((item) => ({ id: item.id, errorCode: lastError.get(item.id) ?? 'NotAttempted' })),
    resends,
    calls,
  };
}

/** Splits items into PutRecordBatch calls of at most 500 records and 4 MiB, keeping their order. */
export function chunkForFirehose(items: readonly DeliveryItem[]): DeliveryItem[][] {
  const chunks: DeliveryItem[][] = [];
  let current: DeliveryItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === FIREHOSE_LIMITS.maxRecordsPerCall || (current.length > 0 && bytes + item.data.length > FIREHOSE_LIMITS.maxBytesPerCall)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.data.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
