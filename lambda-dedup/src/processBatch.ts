import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Sleep } from '../../lambda-common/backoff';
import { claim, receiptLookup, recordDelivery, releaseClaim, writeBatchReceipt, type ClaimOutcome } from './claims';
import { classifyRecord, type QuarantineReason } from './classifyRecord';
import { mapWithConcurrency } from './concurrency';
import type { DedupConfig } from './config';
import { deliver } from './delivery';
import { quarantineRecord, type RecordOrigin } from './quarantine';

/** Structured logging, as Powertools' Logger offers it. Never give it payloads. */
export interface BatchLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Everything `processBatch` talks to; plain parameters so the logic runs without AWS. */
export interface BatchDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
  readonly config: DedupConfig;
  /** @default Date.now */
  readonly clock?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly log?: BatchLog;
}

/** Where a record failed; the stream will present it again. */
export type FailureStage = 'quarantine' | 'claim' | 'delivery';

/** What one invocation did with its batch; `batchItemFailures` is the Lambda response. */
export interface BatchReport {
  readonly recordsIn: number;
  /** Sequence numbers of the records delivered to Firehose. */
  readonly forwarded: string[];
  readonly duplicatesInBatch: number;
  readonly duplicatesStored: number;
  readonly quarantined: { sequenceNumber: string; reason: QuarantineReason; key: string }[];
  readonly failed: { sequenceNumber: string; stage: FailureStage; errorCode: string }[];
  readonly resends: number;
  /** Receipts that could not be written: those records may be delivered again by the retry. */
  readonly receiptFailures: number;
  readonly batchItemFailures: { itemIdentifier: string }[];
}

interface Candidate {
  readonly sequenceNumber: string;
  readonly claimant: string;
  readonly fingerprint: string;
  readonly line: Buffer;
}

const silent: BatchLog = { warn: () => undefined, error: () => undefined };
const errorCode = (error: unknown): string => (error as Error | undefined)?.name || 'Error';

/**
 * Deduplicates one Kinesis batch: quarantines bad records, collapses in-batch copies, claims each distinct
 * record once, delivers the claimed ones, and reports per-record failures for the stream to retry.
 * Never throws for a per-record problem.
 */
export async function processBatch(records: readonly KinesisStreamRecord[], deps: BatchDependencies): Promise<BatchReport> {
  const { config } = deps;
  const log = deps.log ?? silent;
  const nowMs = (deps.clock ?? Date.now)();
  const now = Math.floor(nowMs / 1000);

  const quarantines: { origin: RecordOrigin; reason: QuarantineReason; detail: string; data: Buffer }[] = [];
  const distinct = new Map<string, Candidate>();
  let duplicatesInBatch = 0;
  for (const record of records) {
    const data = Buffer.from(record.kinesis.data, 'base64');
    const origin = originOf(record);
    const classified = classifyRecord(data, config.fingerprintMode);
    if (classified.kind === 'quarantine') {
      quarantines.push({ origin, reason: classified.reason, detail: classified.detail, data });
    } else if (distinct.has(classified.fingerprint)) {
      duplicatesInBatch++;
    } else {
      distinct.set(classified.fingerprint, {
        sequenceNumber: origin.sequenceNumber,
        claimant: `${origin.shardId}:${origin.sequenceNumber}`,
        fingerprint: classified.fingerprint,
        line: classified.line,
      });
    }
  }

  const failed: BatchReport['failed'] = [];
  const quarantined: BatchReport['quarantined'] = [];
  const candidates = [...distinct.values()];
  const batchId = records.length > 0 ? `${originOf(records[0]).shardId}:${records[0].kinesis.sequenceNumber}:${records[records.length - 1].kinesis.sequenceNumber}` : '';
  const receipts = receiptLookup(deps.dynamodb, config.tableName);
  const [, claims] = await Promise.all([
    mapWithConcurrency(quarantines, config.claimConcurrency, async (q) => {
      try {
        const key = await quarantineRecord(deps.s3, config.quarantineBucketName, config.quarantinePrefix, q, new Date(nowMs));
        quarantined.push({ sequenceNumber: q.origin.sequenceNumber, reason: q.reason, key });
        log.warn('Record quarantined', { reason: q.reason, shardId: q.origin.shardId, sequenceNumber: q.origin.sequenceNumber, key });
      } catch (error) {
        failed.push({ sequenceNumber: q.origin.sequenceNumber, stage: 'quarantine', errorCode: errorCode(error) });
      }
    }),
    mapWithConcurrency(candidates, config.claimConcurrency, async (c): Promise<ClaimOutcome | 'failed'> => {
      try {
        return await claim(
          deps.dynamodb,
          config.tableName,
          { fingerprint: c.fingerprint, claimant: c.claimant, sequenceNumber: c.sequenceNumber, batchId, now, windowSeconds: config.windowSeconds },
          receipts,
        );
      } catch (error) {
        failed.push({ sequenceNumber: c.sequenceNumber, stage: 'claim', errorCode: errorCode(error) });
        return 'failed';
      }
    }),
  ]);

  const claimed = candidates.filter((_, i) => claims[i] === 'claimed' || claims[i] === 'own');
  const own = new Set(candidates.filter((_, i) => claims[i] === 'own').map((c) => c.sequenceNumber));
  const duplicatesStored = claims.filter((outcome) => outcome === 'duplicate').length;
  const bySequence = new Map(claimed.map((c) => [c.sequenceNumber, c]));
  const delivery = await deliver(
    deps.firehose,
    config.deliveryStreamName,
    claimed.map((c) => ({ id: c.sequenceNumber, data: c.line })),
    { maxAttempts: config.deliveryAttempts, sleep: deps.sleep, random: deps.random },
  );
  for (const failure of delivery.failed) {
    failed.push({ sequenceNumber: failure.id, stage: 'delivery', errorCode: failure.errorCode });
  }

  // Undelivered: give the claim back, so a re-drive under a new sequence number is not taken for a copy.
  // If this fails too, the retry of the same record still recognises its own claim.
  await mapWithConcurrency(delivery.failed, config.claimConcurrency, async (failure) => {
    const c = bySequence.get(failure.id)!;
    await releaseClaim(deps.dynamodb, config.tableName, c.fingerprint, c.claimant).catch((error: unknown) =>
      log.warn('Could not release claim', { sequenceNumber: c.sequenceNumber, errorCode: errorCode(error) }),
    );
  });

  // The stream resumes at the lowest failed sequence number and presents everything after it again, and
  // the batch receipt covers only what lies below it: delivered records from there on, and records
  // delivered on their own earlier claim (whose batch receipt says nothing of them), are marked one by one.
  const lowestFailed = failed.reduce<bigint | undefined>((low, f) => {
    const n = BigInt(f.sequenceNumber);
    return low === undefined || n < low ? n : low;
  }, undefined);
  const needReceipt = delivery.delivered.filter((seq) => own.has(seq) || (lowestFailed !== undefined && BigInt(seq) > lowestFailed));
  let receiptFailures = 0;
  await mapWithConcurrency(needReceipt, config.claimConcurrency, async (seq) => {
    const c = bySequence.get(seq)!;
    await recordDelivery(deps.dynamodb, config.tableName, c.fingerprint, c.claimant, now).catch((error: unknown) => {
      receiptFailures++;
      log.warn('Could not record delivery; a retry may deliver the record again', { sequenceNumber: seq, errorCode: errorCode(error) });
    });
  });

  if (config.deliveryReceipts === 'batch' && delivery.delivered.length > 0) {
    await writeBatchReceipt(deps.dynamodb, config.tableName, {
      batchId,
      failedFrom: lowestFailed?.toString(),
      now,
      windowSeconds: config.windowSeconds,
    }).catch((error: unknown) => {
      receiptFailures++;
      log.warn('Could not write the batch receipt; a redelivery of this batch may deliver records again', { batchId, errorCode: errorCode(error) });
    });
  }

  for (const f of failed) {
    log.error('Record not processed; the stream will retry it', { sequenceNumber: f.sequenceNumber, stage: f.stage, errorCode: f.errorCode });
  }
  const failedSequences = [...new Set(failed.map((f) => f.sequenceNumber))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return {
    recordsIn: records.length,
    forwarded: delivery.delivered,
    duplicatesInBatch,
    duplicatesStored,
    quarantined,
    failed,
    resends: delivery.resends,
    receiptFailures,
    batchItemFailures: failedSequences.map((itemIdentifier) => ({ itemIdentifier })),
  };
}

function originOf(record: KinesisStreamRecord): RecordOrigin {
  // eventID is "<shardId>:<sequenceNumber>"; the shard is not given anywhere else in the event.
  const separator = record.eventID?.lastIndexOf(':') ?? -1;
  return {
    eventSourceARN: record.eventSourceARN,
    shardId: separator > 0 ? record.eventID.slice(0, separator) : 'unknown-shard',
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
  };
}
