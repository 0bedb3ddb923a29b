/** Environment variables read by the emulator function at cold start. Shared with the CDK stack. */
export const EMULATOR_ENV = {
  /** Kinesis Data Stream that receives the CTRs. Required. */
  streamName: 'STREAM_NAME',
} as const;

/** Kinesis PutRecords limits. */
export const KINESIS_LIMITS = {
  maxRecordsPerCall: 500,
  maxBytesPerCall: 5 * 1024 * 1024,
  /** Data plus partition key of one record. */
  maxRecordBytes: 1024 * 1024,
  maxPartitionKeyLength: 256,
} as const;

/**
 * Retries of entries that `PutRecords` reported failed (throttling, internal failure).
 * Whole-call errors are retried by the SDK itself and not again here.
 */
export const RESEND_DEFAULTS = {
  /** Calls per entry, the first one included. */
  maxAttempts: 6,
  /** Upper bound of the first backoff, in ms; doubles each retry. */
  baseDelayMs: 100,
  /** No single backoff exceeds this, in ms. */
  maxDelayMs: 5_000,
} as const;

/** Error codes this function reports for records it did not send (Kinesis reports its own codes). */
export const EMULATOR_ERROR_CODES = {
  /** Data plus partition key exceed `KINESIS_LIMITS.maxRecordBytes`; the record was not sent. */
  recordTooLarge: 'RecordTooLarge',
  /** `PutRecords` answered without a result entry for the record. */
  missingResult: 'MissingResultEntry',
} as const;

/** Powertools service name of the emulator function's logs. */
export const EMULATOR_SERVICE_NAME = 'ctr-emulator';
