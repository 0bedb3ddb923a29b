import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Sleep } from '../../lambda-common/backoff';
import { BatchRun } from './batchRun';
import type { QuarantineReason } from './classifyRecord';
import type { DedupConfig } from './config';
import type { Pseudonymize } from './pseudonymize';

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
  /** Epoch milliseconds at which the invocation is stopped (Lambda's timeout). @default now + 15 minutes */
  readonly deadline?: number;
  /** Applied to each delivered line after fingerprinting (caller numbers to tokens). @default none */
  readonly pseudonymize?: Pseudonymize;
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
  /** Receipts that could not be written: those records may be delivered again by a retry. */
  readonly receiptFailures: number;
  readonly batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Deduplicates one Kinesis batch: quarantines bad records, collapses in-batch copies, claims each distinct
 * record once, delivers the claimed ones, and reports per-record failures for the stream to retry.
 * Never throws for a per-record problem. The steps are those of {@link BatchRun}.
 */
export async function processBatch(
  records: readonly KinesisStreamRecord[],
  deps: BatchDependencies,
): Promise<BatchReport> {
  return new BatchRun(records, deps).run();
}
