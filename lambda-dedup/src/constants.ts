/**
 * Names shared by the dedup function and the infrastructure that configures it.
 * The CDK stack imports these, so an environment variable or table attribute cannot drift between the two.
 */

/** Environment variables read by the dedup function at cold start. */
export const DEDUP_ENV = {
  /** DynamoDB table holding one claim per fingerprint. Required. */
  tableName: 'DEDUP_TABLE_NAME',
  /** Kinesis Data Firehose delivery stream (direct put) receiving first-seen CTRs. Required. */
  deliveryStreamName: 'DELIVERY_STREAM_NAME',
  /** S3 bucket that receives malformed and oversized records. Required. */
  quarantineBucketName: 'QUARANTINE_BUCKET_NAME',
  /** Key prefix of quarantined records. Default `quarantine/`. */
  quarantinePrefix: 'QUARANTINE_PREFIX',
  /** How long a fingerprint is remembered, in seconds. Default 7 days. */
  windowSeconds: 'DEDUP_WINDOW_SECONDS',
  /** `canonical` (default) hashes canonical JSON; `raw` hashes the record's bytes as received. */
  fingerprintMode: 'FINGERPRINT_MODE',
  /** How many claims run at once. Default 32 (hides DynamoDB round trips; well under the SDK's 50 sockets). */
  claimConcurrency: 'CLAIM_CONCURRENCY',
  /** Firehose attempts per record (first send included) before it is reported failed. Default 4. */
  deliveryAttempts: 'DELIVERY_ATTEMPTS',
  /** `batch` (default) or `off`: whether each invocation writes a batch receipt (see config.ts). */
  deliveryReceipts: 'DELIVERY_RECEIPTS',
  /** `on` (default) or `off`: whether the caller's number is replaced by a keyed token before delivery. */
  pseudonymize: 'PSEUDONYMIZE',
  /** Secrets Manager secret (ARN) holding the pseudonymization key; required in Lambda when on. */
  pseudonymizationSecretId: 'PSEUDONYMIZATION_SECRET_ID',
  /** Comma-separated extra JSON paths to pseudonymize (dot-separated keys). Default none. */
  pseudonymizedPaths: 'PSEUDONYMIZED_PATHS',
  /** Milliseconds a claim still counts as held after its holder's deadline. Default 10 s (see constants). */
  leaseMarginMs: 'LEASE_MARGIN_MS',
} as const;

/** Attribute names of a claim item in the dedup table. */
export const CLAIM_ATTR = {
  /** Partition key (string): the record's SHA-256 fingerprint in hex. */
  fingerprint: 'fp',
  /** Epoch seconds after which the claim no longer counts; also the table's TTL attribute. */
  expiresAt: 'expiresAt',
  /** `<shardId>:<sequenceNumber>` of the stream record that made the claim. */
  claimedBy: 'claimedBy',
  /** Epoch seconds of the claim, for operators. */
  claimedAt: 'claimedAt',
  /** Epoch seconds; set only when a delivered record will be presented again by a partial-batch retry. */
  deliveredAt: 'deliveredAt',
  /** Id of the invocation that holds the claim (`<shardId>:<firstSequence>:<lastSequence>:<uuid>`). */
  batchId: 'batchId',
  /** Epoch milliseconds until which the holding invocation may still be running (its deadline). */
  leaseUntil: 'leaseUntil',
  /** On a batch receipt: the lowest sequence number that batch failed on; absent when nothing failed. */
  failedFrom: 'failedFrom',
} as const;

/** Partition-key prefix of batch receipts, which share the claims table (fingerprints are bare hex). */
export const BATCH_RECEIPT_PREFIX = 'batch#';

export const DEFAULT_WINDOW_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_QUARANTINE_PREFIX = 'quarantine/';
export const DEFAULT_CLAIM_CONCURRENCY = 32;
export const DEFAULT_DELIVERY_ATTEMPTS = 4;
/** Lease of a claim when the invocation's deadline is unknown: Lambda's longest timeout. */
export const DEFAULT_LEASE_MS = 15 * 60 * 1000;
/**
 * How long past its holder's deadline a claim is still held: for clock skew between Lambda hosts (kept
 * within milliseconds by the Amazon Time Sync Service) and for a request sent just before the deadline
 * that is still landing (Firehose answers within seconds). Ten seconds covers both with room to spare.
 */
export const DEFAULT_LEASE_MARGIN_MS = 10_000;

/** Firehose PutRecordBatch limits. */
export const FIREHOSE_LIMITS = {
  maxRecordsPerCall: 500,
  maxBytesPerCall: 4 * 1024 * 1024,
  /** 1,000 KiB: the limit of one record *after* the newline this function appends. */
  maxRecordBytes: 1000 * 1024,
} as const;

/** Powertools service name of the dedup function: the `service` dimension of its metrics. */
export const DEDUP_SERVICE_NAME = 'ctr-dedup';
/** CloudWatch namespace of the custom metrics (Powertools `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'CallCenterAnalytics';

/** Metric names emitted through Powertools Metrics (namespace set by POWERTOOLS_METRICS_NAMESPACE). */
export const DEDUP_METRICS = {
  recordsIn: 'RecordsIn',
  forwarded: 'RecordsForwarded',
  duplicatesInBatch: 'DuplicatesInBatch',
  duplicatesStored: 'DuplicatesStored',
  quarantined: 'RecordsQuarantined',
  resends: 'FirehoseResends',
  failures: 'RecordsFailed',
  receiptFailures: 'DeliveryReceiptFailures',
} as const;
