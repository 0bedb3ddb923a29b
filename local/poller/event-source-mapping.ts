import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { EventSourceSettings } from '../../lib/definitions/event-source-settings';
import type { FailureCondition, FailureDestination } from './failure-destination';
import { type InvocationPlanner, invoke, lambdaContext } from './invocation';
import { type EventSourceIdentity, toLambdaEvent, toLambdaRecord } from './kinesis-event';

/** A function the mapping invokes: a Kinesis handler that may report partial batch failures. */
export type KinesisHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse | undefined>;

/** Options of the local event source mapping. */
export interface EventSourceMappingProps {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly source: EventSourceIdentity;
  readonly functionArn: string;
  readonly handler: KinesisHandler;
  /** The same settings the stack gives the real mapping. */
  readonly settings: EventSourceSettings;
  /** Where batches go after the last retry. */
  readonly onFailure: FailureDestination;
  /** Where to start reading a shard that has no checkpoint yet. @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Pause between retries of a failed batch, times the attempt number. @default 20 ms */
  readonly retryDelayMs?: number;
  /** The function's timeout (Lambda's `timeout`): a longer invocation is killed and counts as a function error. @default none */
  readonly functionTimeoutMs?: number;
  /**
   * Records asked of each GetRecords call (up to Kinesis's 10,000), split into batches of `batchSize` as Lambda's
   * poller splits what it reads. A larger page saves calls on both ends on big runs; batches stay the same.
   * @default batchSize times parallelizationFactor
   */
  readonly readLimit?: number;
}

/** What a drain did. */
export interface MappingStats {
  recordsRead: number;
  invocations: number;
  functionErrors: number;
  partialFailures: number;
  batchesToFailureDestination: number;
  recordsToFailureDestination: number;
}

/**
 * Plays the Lambda event source mapping for a Kinesis stream: reads each shard with GetRecords, invokes the
 * handler with Lambda's event shape, honours `batchItemFailures` (resumes at the lowest failed sequence number),
 * bisects failing batches, and after the configured retries sends the batch to the failure destination.
 *
 * Checkpoints (last processed sequence number per shard) live in the object, so a second `drain` only reads
 * records put since the first, like a mapping that keeps running.
 */
export class EventSourceMapping {
  readonly stats: MappingStats = {
    recordsRead: 0,
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    batchesToFailureDestination: 0,
    recordsToFailureDestination: 0,
  };
  private readonly checkpoints = new Map<string, string>();
  /** Chooses each invocation's timeout and how a kill is reported (fault injection). @default the function timeout for all */
  planInvocation: InvocationPlanner = () => ({ timeoutMs: this.props.functionTimeoutMs });

  constructor(private readonly props: EventSourceMappingProps) {}

  /**
   * Processes every shard until `producerDone()` is true and a shard read returns nothing more.
   * Never waits forever: an empty shard with a finished producer ends the drain.
   */
  async drain(producerDone: () => boolean = () => true): Promise<MappingStats> {
    const shards = await this.props.kinesis.send(new ListShardsCommand({ StreamName: this.props.streamName }));
    await Promise.all((shards.Shards ?? []).map((s) => this.drainShard(s.ShardId ?? '', producerDone)));
    return this.stats;
  }

  private async drainShard(shardId: string, producerDone: () => boolean): Promise<void> {
    const { kinesis, streamName, settings } = this.props;
    const checkpoint = this.checkpoints.get(shardId);
    const position = this.props.startingPosition ?? 'TRIM_HORIZON';
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }
          : { ShardIteratorType: position }),
      }),
    );
    let next = iterator.ShardIterator;
    while (next) {
      // Read the producer's state before the read, so that records put before it was done are all seen.
      const done = producerDone();
      const page = await kinesis.send(
        new GetRecordsCommand({
          ShardIterator: next,
          Limit: Math.min(this.props.readLimit ?? settings.batchSize * settings.parallelizationFactor, 10_000),
        }),
      );
      next = page.NextShardIterator;
      const records = page.Records ?? [];
      if (records.length === 0) {
        if (done && (page.MillisBehindLatest ?? 0) === 0) return;
        await sleep(done ? 0 : 25);
        continue;
      }
      this.stats.recordsRead += records.length;
      await this.processRecords(shardId, records);
      this.checkpoints.set(shardId, records[records.length - 1].SequenceNumber ?? '');
    }
  }

  /** Splits records into lanes by partition key (parallelization factor) and runs each lane's batches in order. */
  private async processRecords(shardId: string, records: KinesisRecord[]): Promise<void> {
    const { settings, source } = this.props;
    const factor = Math.max(1, settings.parallelizationFactor);
    const lanes: KinesisStreamRecord[][] = Array.from({ length: factor }, () => []);
    for (const record of records) {
      const lane =
        factor === 1
          ? 0
          : createHash('md5')
              .update(record.PartitionKey ?? '')
              .digest()
              .readUInt32BE(0) % factor;
      lanes[lane].push(toLambdaRecord(shardId, record, source));
    }
    await Promise.all(
      lanes.map(async (lane) => {
        for (let i = 0; i < lane.length; i += settings.batchSize) {
          await this.invokeBatch(shardId, lane.slice(i, i + settings.batchSize));
        }
      }),
    );
  }

  /** One batch through retries, partial failures and bisection, like Lambda. */
  private async invokeBatch(shardId: string, batch: KinesisStreamRecord[]): Promise<void> {
    const { settings, handler } = this.props;
    let pending = batch;
    let invokeCount = 0;
    let lastError: string | undefined;
    while (pending.length > 0) {
      const oldest = pending[0].kinesis.approximateArrivalTimestamp;
      if (Date.now() / 1000 - oldest > settings.maxRecordAgeSeconds) {
        return this.giveUp(shardId, pending, 'RecordAgeExceeded', invokeCount, lastError);
      }
      if (invokeCount > settings.retryAttempts) {
        return this.giveUp(shardId, pending, 'RetryAttemptsExhausted', invokeCount, lastError);
      }
      if (invokeCount > 0) await sleep((this.props.retryDelayMs ?? 20) * invokeCount);
      invokeCount += 1;
      this.stats.invocations += 1;
      let response: KinesisStreamBatchResponse | undefined;
      try {
        const event = toLambdaEvent(pending);
        response = await invoke(pending.length, this.planInvocation, (deadline) =>
          handler(event, lambdaContext(this.props.functionArn, deadline)),
        );
      } catch (err) {
        this.stats.functionErrors += 1;
        lastError = err instanceof Error ? err.name : 'Unhandled';
        if (settings.bisectBatchOnError && pending.length > 1) {
          // Splitting does not count as a retry (Lambda's BisectBatchOnFunctionError).
          const middle = Math.ceil(pending.length / 2);
          await this.invokeBatch(shardId, pending.slice(0, middle));
          await this.invokeBatch(shardId, pending.slice(middle));
          return;
        }
        continue;
      }
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return;
      this.stats.partialFailures += 1;
      pending = pending.slice(
        resumeIndex(
          pending,
          failures.map((f) => f.itemIdentifier),
        ),
      );
    }
  }

  private async giveUp(
    shardId: string,
    records: KinesisStreamRecord[],
    condition: FailureCondition,
    invokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    await this.props.onFailure({
      shardId,
      streamArn: this.props.source.streamArn,
      functionArn: this.props.functionArn,
      records,
      condition,
      invokeCount,
      functionError,
    });
    this.stats.batchesToFailureDestination += 1;
    this.stats.recordsToFailureDestination += records.length;
  }
}

/**
 * Index of the record to resume at after a partial failure: the lowest failed sequence number.
 * An empty or unknown identifier fails the whole batch, as Lambda treats it.
 */
export function resumeIndex(
  batch: readonly KinesisStreamRecord[],
  identifiers: readonly (string | undefined)[],
): number {
  let lowest = batch.length;
  for (const id of identifiers) {
    const index = id ? batch.findIndex((r) => r.kinesis.sequenceNumber === id) : -1;
    if (index < 0) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
}
