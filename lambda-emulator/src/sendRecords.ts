import type { Logger } from '@aws-lambda-powertools/logger';
import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { chunkBySize } from '../../lambda-common/chunk';
import { type EntryOutcome, sendWithResend } from '../../lambda-common/resend';
import { EMULATOR_ERROR_CODES, KINESIS_LIMITS, RESEND_DEFAULTS } from './constants';
import { type PreparedRecord, prepareRecord, type SendableRecord } from './prepareRecord';

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

/** Sends one chunk; the entries of a call that throws fail for good (the SDK has already retried it). */
async function putChunk(
  client: KinesisClient,
  streamName: string,
  chunk: readonly PreparedRecord[],
): Promise<EntryOutcome[]> {
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
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return chunk.map(() => ({ ok: false, code: name, message, final: true }));
  }
  return chunk.map((_, i): EntryOutcome => {
    const result = results[i];
    if (result?.ErrorCode) return { ok: false, code: result.ErrorCode, message: result.ErrorMessage ?? '' };
    if (result?.SequenceNumber) return { ok: true };
    return {
      ok: false,
      code: EMULATOR_ERROR_CODES.missingResult,
      message: 'PutRecords returned no result for this record',
    };
  });
}

/** Splits records into PutRecords calls (500 records, 5 MiB counting partition keys), keeping their order. */
export function chunkForKinesis(records: readonly PreparedRecord[]): PreparedRecord[][] {
  return chunkBySize(records, KINESIS_LIMITS, (r) => r.size);
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
  const failed: FailedRecord[] = [];
  const pending: PreparedRecord[] = [];
  records.forEach((record, index) => {
    const prepared = prepareRecord(record, index);
    if (prepared.size <= KINESIS_LIMITS.maxRecordBytes) pending.push(prepared);
    else failed.push({ index, errorCode: EMULATOR_ERROR_CODES.recordTooLarge, errorMessage: tooLarge(prepared.size) });
  });
  const result = await sendWithResend(pending, chunkForKinesis, (chunk) => putChunk(client, streamName, chunk), {
    maxAttempts: options.maxAttempts ?? RESEND_DEFAULTS.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? RESEND_DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? RESEND_DEFAULTS.maxDelayMs,
    random: options.random,
    sleep: options.sleep,
    onResend: ({ attempt, items, codes, delayMs }) =>
      options.logger?.warn('Resending records that Kinesis rejected', {
        attempt,
        records: items,
        errorCodes: codes,
        delayMs,
      }),
  });
  for (const { item, code, message } of result.rejected)
    failed.push({ index: item.index, errorCode: code, errorMessage: message });
  failed.sort((a, b) => a.index - b.index);
  return { sent: result.accepted.length, failed };
}

const tooLarge = (size: number) =>
  `Record is ${size} bytes with its partition key; Kinesis accepts at most ${KINESIS_LIMITS.maxRecordBytes}.`;
