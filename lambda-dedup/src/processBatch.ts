import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { sleep as defaultSleep, type Sleep } from '../../lambda-common/backoff';
import { claimAll, recordDeliveries, releaseClaims, type ClaimStore } from './batchClaims';
import { receiptLookup, recheckClaim, writeBatchReceipt, type ClaimOutcome, type ClaimRequest } from './claims';
import { classifyRecord, type QuarantineReason } from './classifyRecord';
import { mapWithConcurrency } from './concurrency';
import type { DedupConfig } from './config';
import { DEFAULT_LEASE_MS } from './constants';
import { deliver } from './delivery';
import type { Pseudonymize } from './pseudonymize';
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

interface Candidate {
  readonly sequenceNumber: string;
  readonly claimant: string;
  readonly fingerprint: string;
  readonly line: Buffer;
}

const silent: BatchLog = { warn: () => undefined, error: () => undefined };
// A failed batch statement reports DynamoDB's per-statement code (ThrottlingError, ...), not its class.
const errorCode = (error: unknown): string => (error as { code?: string } | undefined)?.code || (error as Error | undefined)?.name || 'Error';
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
const lowest = (sequences: Iterable<string>): bigint | undefined => {
  let low: bigint | undefined;
  for (const s of sequences) {
    const n = BigInt(s);
    if (low === undefined || n < low) low = n;
  }
  return low;
};

/**
 * Deduplicates one Kinesis batch: quarantines bad records, collapses in-batch copies, claims each distinct
 * record once, delivers the claimed ones, and reports per-record failures for the stream to retry.
 * Never throws for a per-record problem.
 */
export async function processBatch(records: readonly KinesisStreamRecord[], deps: BatchDependencies): Promise<BatchReport> {
  const { config } = deps;
  const log = deps.log ?? silent;
  const clock = deps.clock ?? Date.now;
  const startMs = clock();
  const deadline = deps.deadline ?? startMs + DEFAULT_LEASE_MS;

  const quarantines: { origin: RecordOrigin; reason: QuarantineReason; detail: string; data: Buffer }[] = [];
  const distinct = new Map<string, Candidate>();
  let duplicatesInBatch = 0;
  for (const record of records) {
    const data = Buffer.from(record.kinesis.data, 'base64');
    const origin = originOf(record);
    const classified = classifyRecord(data, config.fingerprintMode, startMs);
    if (classified.kind === 'quarantine') {
      quarantines.push({ origin, reason: classified.reason, detail: classified.detail, data });
    } else if (distinct.has(classified.fingerprint)) {
      duplicatesInBatch++;
    } else {
      distinct.set(classified.fingerprint, {
        sequenceNumber: origin.sequenceNumber,
        claimant: `${origin.shardId}:${origin.sequenceNumber}`,
        fingerprint: classified.fingerprint,
        line: deps.pseudonymize ? deps.pseudonymize(classified.line, classified.ctr) : classified.line,
      });
    }
  }
  // Unique per invocation: a receipt speaks only for the invocation that wrote it, even when two
  // invocations (two consumers, or a redelivery) hold the same batch.
  const batchId = records.length > 0 ? `${originOf(records[0]).shardId}:${records[0].kinesis.sequenceNumber}:${records[records.length - 1].kinesis.sequenceNumber}:${randomUUID()}` : '';

  const failed: BatchReport['failed'] = [];
  const quarantined: BatchReport['quarantined'] = [];
  const forwarded: string[] = [];
  let duplicatesStored = 0;
  let resends = 0;
  let receiptFailures = 0;

  // When the lease of each record another invocation holds ends: the wait below is sized to it.
  const heldUntil = new Map<string, number>();
  const claimRequest = (c: Candidate): ClaimRequest => ({
    fingerprint: c.fingerprint,
    claimant: c.claimant,
    sequenceNumber: c.sequenceNumber,
    batchId,
    nowMs: clock(),
    leaseUntilMs: deadline,
    leaseMarginMs: config.leaseMarginMs,
    windowSeconds: config.windowSeconds,
    takeOverStale: config.deliveryReceipts === 'batch',
    onHeld: (until) => heldUntil.set(c.fingerprint, until),
  });
  const store: ClaimStore = {
    client: deps.dynamodb,
    tableName: config.tableName,
    options: { concurrency: config.claimConcurrency, sleep: deps.sleep, random: deps.random },
  };
  /** Gives claims back (or ends their leases), so neither a re-drive nor the stream's retry is blocked by them. */
  const giveBack = async (candidates: readonly Candidate[]) => {
    if (candidates.length === 0) return;
    const errors = await releaseClaims(store, candidates.map((c) => c.fingerprint), batchId, clock());
    errors.forEach((error, i) => {
      if (error) log.warn('Could not release claim', { sequenceNumber: candidates[i].sequenceNumber, errorCode: errorCode(error) });
    });
  };

  /** Claims (or re-checks) candidates; returns those to deliver and those another invocation holds. */
  const settleClaims = async (candidates: readonly Candidate[], recheck: boolean) => {
    const receipts = receiptLookup(deps.dynamodb, config.tableName);
    const requests = candidates.map(claimRequest);
    const outcomes: (ClaimOutcome | Error | 'failed')[] = recheck
      ? await mapWithConcurrency(requests, config.claimConcurrency, (r) => recheckClaim(deps.dynamodb, config.tableName, r, receipts).catch(asError))
      : await claimAll(store, requests, receipts);
    const maybeApplied: Candidate[] = [];
    outcomes.forEach((outcome, i) => {
      if (!(outcome instanceof Error)) return;
      failed.push({ sequenceNumber: candidates[i].sequenceNumber, stage: 'claim', errorCode: errorCode(outcome) });
      // A write that timed out or failed on the server may still have been applied.
      if (!NOT_APPLIED.has(errorCode(outcome))) maybeApplied.push(candidates[i]);
      outcomes[i] = 'failed';
    });
    await giveBack(maybeApplied);
    duplicatesStored += outcomes.filter((o) => o === 'duplicate').length;
    return {
      toDeliver: candidates.filter((_, i) => outcomes[i] === 'claimed' || outcomes[i] === 'own'),
      inProgress: candidates.filter((_, i) => outcomes[i] === 'in-progress'),
    };
  };

  /** Delivers claimed candidates; gives back the claims of those Firehose would not take. */
  const deliverClaimed = async (claimed: readonly Candidate[]): Promise<Candidate[]> => {
    if (claimed.length === 0) return [];
    const bySequence = new Map(claimed.map((c) => [c.sequenceNumber, c]));
    const delivery = await deliver(
      deps.firehose,
      config.deliveryStreamName,
      claimed.map((c) => ({ id: c.sequenceNumber, data: c.line })),
      { maxAttempts: config.deliveryAttempts, sleep: deps.sleep, random: deps.random },
    );
    resends += delivery.resends;
    forwarded.push(...delivery.delivered);
    // Undelivered: give the claim back, so a re-drive under a new sequence number is not taken for a copy.
    // If this fails too, the retry of the same record still recognises its own claim once the lease ends.
    for (const failure of delivery.failed) failed.push({ sequenceNumber: failure.id, stage: 'delivery', errorCode: failure.errorCode });
    await giveBack(delivery.failed.map((failure) => bySequence.get(failure.id)!));
    return delivery.delivered.map((seq) => bySequence.get(seq)!);
  };

  /** Marks delivered records that the batch receipt does not cover. */
  const markDelivered = async (delivered: readonly Candidate[]) => {
    if (delivered.length === 0) return;
    const errors = await recordDeliveries(store, delivered.map((c) => c.fingerprint), batchId, clock());
    errors.forEach((error, i) => {
      if (!error) return;
      receiptFailures++;
      log.warn('Could not record delivery; a retry may deliver the record again', { sequenceNumber: delivered[i].sequenceNumber, errorCode: errorCode(error) });
    });
  };

  // Phase 1: quarantine, claim, deliver.
  const [, first] = await Promise.all([
    mapWithConcurrency(quarantines, config.claimConcurrency, async (q) => {
      try {
        const key = await quarantineRecord(deps.s3, config.quarantineBucketName, config.quarantinePrefix, q, new Date(startMs));
        quarantined.push({ sequenceNumber: q.origin.sequenceNumber, reason: q.reason, key });
        log.warn('Record quarantined', { reason: q.reason, shardId: q.origin.shardId, sequenceNumber: q.origin.sequenceNumber, key });
      } catch (error) {
        failed.push({ sequenceNumber: q.origin.sequenceNumber, stage: 'quarantine', errorCode: errorCode(error) });
      }
    }),
    settleClaims([...distinct.values()], false),
  ]);
  const delivered = await deliverClaimed(first.toDeliver);

  // The stream resumes at the lowest record not settled and presents everything after it again; the
  // receipt covers only what lies below it, so delivered records from there on are marked one by one.
  const unsettledFrom = lowest([...failed.map((f) => f.sequenceNumber), ...first.inProgress.map((c) => c.sequenceNumber)]);
  await markDelivered(delivered.filter((c) => unsettledFrom !== undefined && BigInt(c.sequenceNumber) > unsettledFrom));
  if (config.deliveryReceipts === 'batch' && delivered.length > 0) {
    await writeBatchReceipt(deps.dynamodb, config.tableName, { batchId, failedFrom: unsettledFrom?.toString(), nowMs: clock(), windowSeconds: config.windowSeconds }).catch(
      (error: unknown) => {
        receiptFailures++;
        log.warn('Could not write the batch receipt; a redelivery of this batch may deliver records again', { errorCode: errorCode(error) });
      },
    );
  }

  // Phase 2: records another live invocation holds. Wait for it to finish (its receipt) or die (its lease
  // ends), within this invocation's own time; what is still held then goes back to the stream. Polls back
  // off, but never past the earliest lease end, so a lease of any length is waited out, not retried out.
  let waiting = first.inProgress;
  const stopWaitingAt = deadline - Math.max(250, (deadline - startMs) / 5);
  for (let round = 0; waiting.length > 0 && round < MAX_WAIT_ROUNDS; round++) {
    const now = clock();
    const leaseEnds = Math.min(...waiting.map((c) => heldUntil.get(c.fingerprint) ?? Infinity));
    const pause = Math.min(WAIT_BASE_MS * 2 ** round, Math.max(WAIT_CAP_MS, leaseEnds + 1 - now), stopWaitingAt - now);
    if (pause <= 0) break;
    await (deps.sleep ?? defaultSleep)(pause);
    const next = await settleClaims(waiting, true);
    // Delivered after the receipt was written: the receipt does not cover them.
    await markDelivered(await deliverClaimed(next.toDeliver));
    waiting = next.inProgress;
  }
  for (const c of waiting) failed.push({ sequenceNumber: c.sequenceNumber, stage: 'claim', errorCode: 'ClaimInProgress' });

  for (const f of failed) {
    log.error('Record not processed; the stream will retry it', { sequenceNumber: f.sequenceNumber, stage: f.stage, errorCode: f.errorCode });
  }
  const failedSequences = [...new Set(failed.map((f) => f.sequenceNumber))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return {
    recordsIn: records.length,
    forwarded,
    duplicatesInBatch,
    duplicatesStored,
    quarantined,
    failed,
    resends,
    receiptFailures,
    batchItemFailures: failedSequences.map((itemIdentifier) => ({ itemIdentifier })),
  };
}

const WAIT_BASE_MS = 100;
const WAIT_CAP_MS = 1000;
const MAX_WAIT_ROUNDS = 30;
/** Errors that mean the claim write was not applied; after any other, the claim may exist and is given back. */
const NOT_APPLIED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ClaimContentionError',
  'ValidationException',
  // Per-statement codes of a batch (BatchStatementError.Code).
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
  'ValidationError',
]);

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
