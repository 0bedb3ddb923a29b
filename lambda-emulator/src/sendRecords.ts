import { PutRecordsCommand, type KinesisClient, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { Logger } from '@aws-lambda-powertools/logger';
import { backoffDelay, sleep as realSleep } from '../../lambda-common/backoff';
import { chunkRecords } from './chunkRecords';
import { EMULATOR_ERROR_CODES, KINESIS_LIMITS, RESEND_DEFAULTS } from './constants';
import { prepareRecord, type PreparedRecord, type SendableRecord } from './prepareRecord';

/** Options of `sendRecords`; every field has a default. */
export interface SendOptions {
  /** Calls per record, the first one included. @default RESEND_DEFAULTS.maxAttempts */
  readonly maxAttempts?: number;
  /** Upper bound of the first backoff, in ms. @default RESEND_DEFAULTS.baseDelayMs */
  readonly baseDelayMs?: number;
  /** Upper bound of any backoff, in ms. @default RESEND_DEFAULTS.maxDelayMs */
  readonly maxDelayMs?: number;
  /** Waits before a resend; tests pass one that does not wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Receives one line per resend round (counts and error codes only). @default no logging */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** A record that could not be put into the stream. */
export interface FailedRecord {
  /** Index of the record in the input. */
  readonly index: number;
  /** Kinesis error code of the last attempt, the exception name of a failed call, or an EMULATOR_ERROR_CODES value. */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Outcome of `sendRecords`. */
export interface SendResult {
  /** Records accepted by Kinesis. */
  readonly sent: number;
  /** Every record not sent, by ascending input index. */
  readonly failed: FailedRecord[];
}

interface Pending {
  readonly record: PreparedRecord;
  readonly error: { readonly code: string; readonly message: string };
}

/** Sends one chunk; returns the entries Kinesis rejected, and those of a failed call as final failures. */
async function putChunk(
  client: KinesisClient,
  streamName: string,
  chunk: readonly PreparedRecord[],
): Promise<{ sent: number; rejected: Pending[]; failed: FailedRecord[] }> {
  let results: PutRecordsResultEntry[];
  try {
    const response = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
      }),
    );
    results = response.Records ?? [];
  } catch (error) {
    // The SDK has already retried the call: give up on this chunk and let the others go.
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { sent: 0, rejected: [], failed: chunk.map((r) => ({ index: r.index, errorCode: name, errorMessage: message })) };
  }
  let sent = 0;
  const rejected: Pending[] = [];
  chunk.forEach((record, i) => {
    const result = results[i];
    if (result?.ErrorCode) {
      rejected.push({ record, error: { code: result.ErrorCode, message: result.ErrorMessage ?? '' } });
    } else if (result?.SequenceNumber) {
      sent += 1;
    } else {
      const message = 'PutRecords returned no result for this record';
      rejected.push({ record, error: { code: EMULATOR_ERROR_CODES.missingResult, message } });
    }
  });
  return { sent, rejected, failed: [] };
}

/** Counts of each error code, for logs that must not carry payloads. */
function countCodes(pending: readonly Pending[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pending) counts[p.error.code] = (counts[p.error.code] ?? 0) + 1;
  return counts;
}

/**
 * Puts records into a Kinesis Data Stream with `PutRecords`, in order, in chunks within the API limits.
 * Entries that Kinesis rejects are resent alone after a bounded, jittered exponential backoff; a record over
 * 1 MiB is reported without being sent; a call that throws fails its chunk only. Never throws for a record:
 * every record not sent is in `failed`, by input index.
 * @example
 * const { sent, failed } = await sendRecords(new KinesisClient({}), 'ctr-stream', [{ ContactId: 'c1' }, 'raw bytes']);
 */
export async function sendRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly SendableRecord[],
  options: SendOptions = {},
): Promise<SendResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? RESEND_DEFAULTS.maxAttempts);
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? RESEND_DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? RESEND_DEFAULTS.maxDelayMs,
    random: options.random,
  };
  const wait = options.sleep ?? realSleep;

  const failed: FailedRecord[] = [];
  let pending: PreparedRecord[] = [];
  records.forEach((record, index) => {
    const prepared = prepareRecord(record, index);
    if (prepared.size > KINESIS_LIMITS.maxRecordBytes) {
      failed.push({
        index,
        errorCode: EMULATOR_ERROR_CODES.recordTooLarge,
        errorMessage: `Record is ${prepared.size} bytes with its partition key; Kinesis accepts at most ${KINESIS_LIMITS.maxRecordBytes}.`,
      });
    } else {
      pending.push(prepared);
    }
  });

  let sent = 0;
  let rejected: Pending[] = [];
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
    if (attempt > 1) {
      const delayMs = backoffDelay(attempt - 1, backoff);
      options.logger?.warn('Resending records that Kinesis rejected', {
        attempt,
        records: pending.length,
        errorCodes: countCodes(rejected),
        delayMs,
      });
      await wait(delayMs);
    }
    rejected = [];
    for (const chunk of chunkRecords(pending)) {
      const outcome = await putChunk(client, streamName, chunk);
      sent += outcome.sent;
      rejected.push(...outcome.rejected);
      failed.push(...outcome.failed);
    }
    pending = rejected.map((p) => p.record);
  }
  for (const { record, error } of rejected) {
    failed.push({ index: record.index, errorCode: error.code, errorMessage: error.message });
  }
  failed.sort((a, b) => a.index - b.index);
  return { sent, failed };
}
