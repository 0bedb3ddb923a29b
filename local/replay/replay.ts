import { setTimeout as sleepFor } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KINESIS_LIMITS } from '../../lambda-emulator/src/constants';
import { prepareRecord } from '../../lambda-emulator/src/prepareRecord';
import { type SendOptions, sendRecords } from '../../lambda-emulator/src/sendRecords';
import { CliError } from '../cli/errors';
import { readCheckpoint, writeCheckpoint } from './checkpoint';

/** Kinesis write limits of one shard (Kinesis Data Streams quotas: 1,000 records and 1 MiB per second). */
export const SHARD_WRITE_LIMITS = { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024 } as const;

/** Options of one replay. */
export interface ReplayOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly records: AsyncIterable<Buffer>;
  /** At most this many records a second. @default no limit */
  readonly rate?: number;
  /** Checkpoint file and the replay's identity; without it nothing is remembered. @default none */
  readonly checkpoint?: { readonly path: string; readonly key: string };
  /** Count only: no record is sent. @default false */
  readonly dryRun?: boolean;
  /** Stops after the batch in flight. @default none */
  readonly signal?: AbortSignal;
  /** Called after each batch. @default none */
  readonly onBatch?: (summary: ReplaySummary) => void;
  /** Records per `sendRecords` call (which splits further within the PutRecords limits). @default 500 */
  readonly batchRecords?: number;
  /** Resend tuning, mainly for tests. @default the emulator's defaults */
  readonly sendOptions?: Omit<SendOptions, 'logger'>;
}

/** What a replay did (or, with `dryRun`, would do). */
export interface ReplaySummary {
  /** Records read from the input. */
  records: number;
  /** Records skipped because the checkpoint says an earlier run sent them. */
  skipped: number;
  /** Records put into the stream by this run. */
  sent: number;
  /** Records over Kinesis's 1 MiB limit, not sent (input positions of the first 20 in `tooLargeIndexes`). */
  tooLarge: number;
  tooLargeIndexes: number[];
  /** Bytes counted against Kinesis's limits (data plus partition key) of the records to send. */
  bytes: number;
  /** Shards needed for `rate` (or, without one, to send everything within an hour). Dry runs only. */
  shardsNeeded?: { readonly shards: number; readonly atRecordsPerSecond: number };
  interrupted: boolean;
  elapsedMs: number;
}

/** Shards whose write limits carry `recordsPerSecond` of records of `avgBytes` on average. */
export function shardsFor(recordsPerSecond: number, avgBytes: number): number {
  return Math.max(
    1,
    Math.ceil(recordsPerSecond / SHARD_WRITE_LIMITS.recordsPerSecond),
    Math.ceil((recordsPerSecond * avgBytes) / SHARD_WRITE_LIMITS.bytesPerSecond),
  );
}

/**
 * Sends records into a Kinesis stream with the emulator Lambda's own sending code (PutRecords in chunks
 * within the API limits, rejected entries resent with backoff), in input order, at most `rate` a second.
 * After each batch the checkpoint records how many input records are in the stream, so a replay run again
 * with the same inputs skips them. A batch that cannot be sent stops the replay without moving the
 * checkpoint past it (a rerun may send part of it twice; the dedup function drops those copies).
 * @throws CliError naming the first record not sent and how to resume.
 */
export async function replayRecords(options: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const batchSize = Math.max(
    1,
    Math.min(options.batchRecords ?? 500, options.rate ? Math.floor(options.rate) : Infinity),
  );
  const previous = options.checkpoint ? readCheckpoint(options.checkpoint.path, options.checkpoint.key) : undefined;
  const skip = options.dryRun ? 0 : (previous?.recordsDone ?? 0);
  const summary: ReplaySummary = {
    records: 0,
    skipped: 0,
    sent: 0,
    tooLarge: 0,
    tooLargeIndexes: [],
    bytes: 0,
    interrupted: false,
    elapsedMs: 0,
  };
  let batch: Buffer[] = [];
  let batchStart = 0;

  const save = (recordsDone: number, complete: boolean) => {
    if (options.checkpoint && !options.dryRun)
      writeCheckpoint(options.checkpoint.path, { key: options.checkpoint.key, recordsDone, complete });
  };
  const flush = async () => {
    if (batch.length > 0 && !options.dryRun) {
      const result = await sendRecords(options.kinesis, options.streamName, batch, options.sendOptions);
      summary.sent += result.sent;
      if (result.failed.length > 0) {
        const first = result.failed[0];
        throw new CliError(
          `${result.failed.length} of ${batch.length} records of a batch could not be put into the stream (${first.errorCode}, after retries): run the same command again to resume from input record ${batchStart}`,
        );
      }
    }
    save(summary.records, false);
    batch = [];
    batchStart = summary.records;
    options.onBatch?.(summary);
    if (options.rate && !options.dryRun) {
      const due = started + (summary.sent / options.rate) * 1000;
      if (due > Date.now()) await sleepFor(due - Date.now());
    }
  };

  for await (const record of options.records) {
    const index = summary.records;
    summary.records += 1;
    if (index < skip) {
      summary.skipped += 1;
      batchStart = summary.records;
      continue;
    }
    const size = prepareRecord(record, index).size;
    if (size > KINESIS_LIMITS.maxRecordBytes) {
      summary.tooLarge += 1;
      if (summary.tooLargeIndexes.length < 20) summary.tooLargeIndexes.push(index);
    } else {
      summary.bytes += size;
      batch.push(record);
    }
    if (batch.length >= batchSize) {
      await flush();
      if (options.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
    }
  }
  if (!summary.interrupted) {
    await flush();
    save(summary.records, true);
  }
  if (options.dryRun) {
    const toSend = summary.records - summary.tooLarge;
    const atRecordsPerSecond = options.rate ?? Math.max(1, Math.ceil(toSend / 3600));
    summary.shardsNeeded = {
      shards: shardsFor(atRecordsPerSecond, toSend > 0 ? summary.bytes / toSend : 0),
      atRecordsPerSecond,
    };
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}
