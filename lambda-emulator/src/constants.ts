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
