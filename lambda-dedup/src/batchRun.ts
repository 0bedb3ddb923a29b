import type { KinesisStreamRecord } from 'aws-lambda';
import { sleep as defaultSleep } from '../../lambda-common/backoff';
import { type ClaimStore, claimAll, recordDeliveries, releaseClaims } from './batchClaims';
import { asError, batchIdOf, type Candidate, errorCode, lowest, NOT_APPLIED, originOf } from './batchRecords';
import { type ClaimOutcome, type ClaimRequest, receiptLookup, recheckClaim, writeBatchReceipt } from './claims';
import { classifyRecord } from './classifyRecord';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_LEASE_MS } from './constants';
import { deliver } from './delivery';
import type { BatchDependencies, BatchLog, BatchReport } from './processBatch';
import { type QuarantineEntry, quarantineRecord } from './quarantine';

/** Claims settled in one round: those to deliver now, and those another live invocation holds. */
interface Settled {
  readonly toDeliver: Candidate[];
  readonly inProgress: Candidate[];
}

const silent: BatchLog = { warn: () => undefined, error: () => undefined };
const WAIT_BASE_MS = 100;
const WAIT_CAP_MS = 1000;
const MAX_WAIT_ROUNDS = 30;

/**
 * One invocation's batch, as explicit steps over explicit state: classify, quarantine, claim, deliver,
 * mark, wait for holders, report. Each step adds to the counts and the failures the report is made of.
 * The claim protocol itself is told in docs/dedup-protocol.md.
 */
export class BatchRun {
  private readonly log: BatchLog;
  private readonly clock: () => number;
  private readonly startMs: number;
  /** The invocation's deadline: the lease of every claim it makes. */
  private readonly deadline: number;
  /** Unique per invocation: a receipt speaks only for the invocation that wrote it. */
  private readonly batchId: string;
  private readonly store: ClaimStore;
  private readonly quarantines: QuarantineEntry[] = [];
  private readonly distinct = new Map<string, Candidate>();
  /** When the lease of each record another invocation holds ends: the wait is sized to it. */
  private readonly heldUntil = new Map<string, number>();
  private readonly failed: BatchReport['failed'] = [];
  private readonly quarantined: BatchReport['quarantined'] = [];
  private readonly forwarded: string[] = [];
  private duplicatesInBatch = 0;
  private duplicatesStored = 0;
  private resends = 0;
  private receiptFailures = 0;

  public constructor(
    private readonly records: readonly KinesisStreamRecord[],
    private readonly deps: BatchDependencies,
  ) {
    this.log = deps.log ?? silent;
    this.clock = deps.clock ?? Date.now;
    this.startMs = this.clock();
    this.deadline = deps.deadline ?? this.startMs + DEFAULT_LEASE_MS;
    this.batchId = batchIdOf(records);
    const { config } = deps;
    this.store = {
      client: deps.dynamodb,
      tableName: config.tableName,
      options: { concurrency: config.claimConcurrency, sleep: deps.sleep, random: deps.random },
    };
  }

  /** Runs every step once, in order; never throws for a per-record problem. */
  public async run(): Promise<BatchReport> {
    this.classify();
    const [, first] = await Promise.all([this.quarantine(), this.claim([...this.distinct.values()], false)]);
    const delivered = await this.deliver(first.toDeliver);
    await this.markFirstRound(delivered, first.inProgress);
    await this.waitForHolders(first.inProgress);
    return this.report();
  }

  /** Sorts each record: to quarantine, a copy of one earlier in the batch, or a distinct candidate. */
  private classify(): void {
    const { config, pseudonymize } = this.deps;
    for (const record of this.records) {
      const data = Buffer.from(record.kinesis.data, 'base64');
      const origin = originOf(record);
      const classified = classifyRecord(data, config.fingerprintMode, this.startMs);
      if (classified.kind === 'quarantine') {
        this.quarantines.push({ origin, reason: classified.reason, detail: classified.detail, data });
      } else if (this.distinct.has(classified.fingerprint)) {
        this.duplicatesInBatch++;
      } else {
        this.distinct.set(classified.fingerprint, {
          sequenceNumber: origin.sequenceNumber,
          claimant: `${origin.shardId}:${origin.sequenceNumber}`,
          fingerprint: classified.fingerprint,
          line: pseudonymize ? pseudonymize(classified.line, classified.ctr) : classified.line,
        });
      }
    }
  }

  /** Stores each quarantined record in S3; one that cannot be stored fails and is retried by the stream. */
  private async quarantine(): Promise<void> {
    const { config, s3 } = this.deps;
    await mapWithConcurrency(this.quarantines, config.claimConcurrency, async (q) => {
      const sequenceNumber = q.origin.sequenceNumber;
      try {
        const key = await quarantineRecord(
          s3,
          config.quarantineBucketName,
          config.quarantinePrefix,
          q,
          new Date(this.startMs),
        );
        this.quarantined.push({ sequenceNumber, reason: q.reason, key });
        this.log.warn('Record quarantined', { reason: q.reason, shardId: q.origin.shardId, sequenceNumber, key });
      } catch (error) {
        this.failed.push({ sequenceNumber, stage: 'quarantine', errorCode: errorCode(error) });
      }
    });
  }

  /** Claims (or, when `recheck`, re-checks) candidates; a claim that failed but may exist is given back. */
  private async claim(candidates: readonly Candidate[], recheck: boolean): Promise<Settled> {
    const outcomes = await this.claimOutcomes(candidates, recheck);
    const maybeApplied: Candidate[] = [];
    outcomes.forEach((outcome, i) => {
      if (!(outcome instanceof Error)) return;
      this.failed.push({ sequenceNumber: candidates[i].sequenceNumber, stage: 'claim', errorCode: errorCode(outcome) });
      // A write that timed out or failed on the server may still have been applied.
      if (!NOT_APPLIED.has(errorCode(outcome))) maybeApplied.push(candidates[i]);
    });
    await this.giveBack(maybeApplied);
    this.duplicatesStored += outcomes.filter((o) => o === 'duplicate').length;
    return {
      toDeliver: candidates.filter((_, i) => outcomes[i] === 'claimed' || outcomes[i] === 'own'),
      inProgress: candidates.filter((_, i) => outcomes[i] === 'in-progress'),
    };
  }

  private async claimOutcomes(candidates: readonly Candidate[], recheck: boolean): Promise<(ClaimOutcome | Error)[]> {
    const { dynamodb, config } = this.deps;
    const receipts = receiptLookup(dynamodb, config.tableName);
    const requests = candidates.map((c) => this.claimRequest(c));
    if (!recheck) return claimAll(this.store, requests, receipts);
    return mapWithConcurrency(requests, config.claimConcurrency, (r) =>
      recheckClaim(dynamodb, config.tableName, r, receipts).catch(asError),
    );
  }

  private claimRequest(c: Candidate): ClaimRequest {
    const { config } = this.deps;
    return {
      fingerprint: c.fingerprint,
      claimant: c.claimant,
      sequenceNumber: c.sequenceNumber,
      batchId: this.batchId,
      nowMs: this.clock(),
      leaseUntilMs: this.deadline,
      leaseMarginMs: config.leaseMarginMs,
      windowSeconds: config.windowSeconds,
      takeOverStale: config.deliveryReceipts === 'batch',
      onHeld: (until) => this.heldUntil.set(c.fingerprint, until),
    };
  }

  /** Gives claims back (or ends their leases), so neither a re-drive nor the stream's retry is blocked by them. */
  private async giveBack(candidates: readonly Candidate[]): Promise<void> {
    if (candidates.length === 0) return;
    const fingerprints = candidates.map((c) => c.fingerprint);
    const errors = await releaseClaims(this.store, fingerprints, this.batchId, this.clock());
    errors.forEach((error, i) => {
      if (error)
        this.log.warn('Could not release claim', {
          sequenceNumber: candidates[i].sequenceNumber,
          errorCode: errorCode(error),
        });
    });
  }

  /** Delivers claimed candidates; gives back the claims of those Firehose would not take. */
  private async deliver(claimed: readonly Candidate[]): Promise<Candidate[]> {
    if (claimed.length === 0) return [];
    const { firehose, config, sleep, random } = this.deps;
    const bySequence = new Map(claimed.map((c) => [c.sequenceNumber, c]));
    const items = claimed.map((c) => ({ id: c.sequenceNumber, data: c.line }));
    const delivery = await deliver(firehose, config.deliveryStreamName, items, {
      maxAttempts: config.deliveryAttempts,
      sleep,
      random,
    });
    this.resends += delivery.resends;
    this.forwarded.push(...delivery.delivered);
    // Undelivered: give the claim back, so a re-drive under a new sequence number is not taken for a copy.
    // If this fails too, the retry of the same record still recognises its own claim once the lease ends.
    for (const f of delivery.failed)
      this.failed.push({ sequenceNumber: f.id, stage: 'delivery', errorCode: f.errorCode });
    await this.giveBack(delivery.failed.map((f) => bySequence.get(f.id)!));
    return delivery.delivered.map((seq) => bySequence.get(seq)!);
  }

  /**
   * The stream resumes at the lowest record not settled and presents everything after it again; the
   * receipt covers only what lies below it, so delivered records from there on are marked one by one.
   */
  private async markFirstRound(delivered: readonly Candidate[], inProgress: readonly Candidate[]): Promise<void> {
    const unsettledFrom = lowest([...this.failed, ...inProgress].map((r) => r.sequenceNumber));
    await this.mark(delivered.filter((c) => unsettledFrom !== undefined && BigInt(c.sequenceNumber) > unsettledFrom));
    if (this.deps.config.deliveryReceipts === 'batch' && delivered.length > 0) await this.writeReceipt(unsettledFrom);
  }

  /** Marks delivered records that the batch receipt does not cover. */
  private async mark(delivered: readonly Candidate[]): Promise<void> {
    if (delivered.length === 0) return;
    const fingerprints = delivered.map((c) => c.fingerprint);
    const errors = await recordDeliveries(this.store, fingerprints, this.batchId, this.clock());
    errors.forEach((error, i) => {
      if (!error) return;
      this.receiptFailures++;
      const { sequenceNumber } = delivered[i];
      this.log.warn('Could not record delivery; a retry may deliver the record again', {
        sequenceNumber,
        errorCode: errorCode(error),
      });
    });
  }

  private async writeReceipt(unsettledFrom: bigint | undefined): Promise<void> {
    const { dynamodb, config } = this.deps;
    const receipt = {
      batchId: this.batchId,
      failedFrom: unsettledFrom?.toString(),
      nowMs: this.clock(),
      windowSeconds: config.windowSeconds,
    };
    await writeBatchReceipt(dynamodb, config.tableName, receipt).catch((error: unknown) => {
      this.receiptFailures++;
      this.log.warn('Could not write the batch receipt; a redelivery of this batch may deliver records again', {
        errorCode: errorCode(error),
      });
    });
  }

  /**
   * Records another live invocation holds: waits for it to finish (its receipt) or die (its lease ends),
   * within this invocation's own time; what is still held then goes back to the stream. Polls back off,
   * but never past the earliest lease end, so a lease of any length is waited out, not retried out.
   */
  private async waitForHolders(held: readonly Candidate[]): Promise<void> {
    let waiting = held;
    const stopWaitingAt = this.deadline - Math.max(250, (this.deadline - this.startMs) / 5);
    for (let round = 0; waiting.length > 0 && round < MAX_WAIT_ROUNDS; round++) {
      const pause = this.pauseBefore(round, waiting, stopWaitingAt);
      if (pause <= 0) break;
      await (this.deps.sleep ?? defaultSleep)(pause);
      const next = await this.claim(waiting, true);
      // Delivered after the receipt was written: the receipt does not cover them.
      await this.mark(await this.deliver(next.toDeliver));
      waiting = next.inProgress;
    }
    for (const c of waiting)
      this.failed.push({ sequenceNumber: c.sequenceNumber, stage: 'claim', errorCode: 'ClaimInProgress' });
  }

  private pauseBefore(round: number, waiting: readonly Candidate[], stopWaitingAt: number): number {
    const now = this.clock();
    const leaseEnds = Math.min(...waiting.map((c) => this.heldUntil.get(c.fingerprint) ?? Number.POSITIVE_INFINITY));
    return Math.min(WAIT_BASE_MS * 2 ** round, Math.max(WAIT_CAP_MS, leaseEnds + 1 - now), stopWaitingAt - now);
  }

  /** Logs each failure and builds the report; the failed sequence numbers, ascending, go back to the stream. */
  private report(): BatchReport {
    for (const f of this.failed) {
      this.log.error('Record not processed; the stream will retry it', {
        sequenceNumber: f.sequenceNumber,
        stage: f.stage,
        errorCode: f.errorCode,
      });
    }
    const failedSequences = [...new Set(this.failed.map((f) => f.sequenceNumber))].sort((a, b) =>
      BigInt(a) < BigInt(b) ? -1 : 1,
    );
    return {
      recordsIn: this.records.length,
      forwarded: this.forwarded,
      duplicatesInBatch: this.duplicatesInBatch,
      duplicatesStored: this.duplicatesStored,
      quarantined: this.quarantined,
      failed: this.failed,
      resends: this.resends,
      receiptFailures: this.receiptFailures,
      batchItemFailures: failedSequences.map((itemIdentifier) => ({ itemIdentifier })),
    };
  }
}
