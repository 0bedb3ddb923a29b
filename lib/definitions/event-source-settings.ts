/**
 * How the Kinesis event source mapping feeds the dedup function. The CDK stack configures the real
 * mapping from these values and the local poller plays the mapping with the same values.
 */
export interface EventSourceSettings {
  /** Records per invocation. @default 100 */
  readonly batchSize: number;
  /** Seconds to gather records before invoking. @default 1 */
  readonly maxBatchingWindowSeconds: number;
  /** Concurrent batches per shard (1-10). @default 1 */
  readonly parallelizationFactor: number;
  /** Retries of a failing batch before it goes to the failure destination. @default 10 */
  readonly retryAttempts: number;
  /** Records older than this go to the failure destination instead of being retried. @default 24 hours */
  readonly maxRecordAgeSeconds: number;
  /** Split a failing batch in two and retry each half. @default true */
  readonly bisectBatchOnError: boolean;
}

export const DEFAULT_EVENT_SOURCE_SETTINGS: EventSourceSettings = {
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  parallelizationFactor: 1,
  retryAttempts: 10,
  maxRecordAgeSeconds: 24 * 60 * 60,
  bisectBatchOnError: true,
};
