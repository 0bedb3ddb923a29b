import { randomUUID } from 'node:crypto';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { RecordOrigin } from './quarantine';

/** A distinct record of the batch, to claim and deliver. */
export interface Candidate {
  readonly sequenceNumber: string;
  /** `<shardId>:<sequenceNumber>`: who claims, so a retry of the same record knows its own claim. */
  readonly claimant: string;
  readonly fingerprint: string;
  /** The bytes to deliver: the record as one line (pseudonymized when that is on). */
  readonly line: Buffer;
}

/** Where a stream record came from. */
export function originOf(record: KinesisStreamRecord): RecordOrigin {
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

/**
 * `<shardId>:<firstSequence>:<lastSequence>:<uuid>`: unique per invocation, so a receipt speaks only for
 * the invocation that wrote it, even when two invocations (two consumers, or a redelivery) hold the same batch.
 */
export function batchIdOf(records: readonly KinesisStreamRecord[]): string {
  if (records.length === 0) return '';
  const first = records[0];
  const last = records[records.length - 1];
  return [originOf(first).shardId, first.kinesis.sequenceNumber, last.kinesis.sequenceNumber, randomUUID()].join(':');
}

/** The code to report: a failed batch statement's per-statement code (ThrottlingError, ...), else the class. */
export function errorCode(error: unknown): string {
  return (error as { code?: string } | undefined)?.code || (error as Error | undefined)?.name || 'Error';
}

export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** The lowest of some sequence numbers (decimal strings of up to 128 bits). */
export function lowest(sequences: Iterable<string>): bigint | undefined {
  let low: bigint | undefined;
  for (const s of sequences) {
    const n = BigInt(s);
    if (low === undefined || n < low) low = n;
  }
  return low;
}

/** Errors that mean the claim write was not applied; after any other, the claim may exist and is given back. */
export const NOT_APPLIED = new Set([
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
