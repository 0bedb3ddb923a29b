/** Names the benchmark gives its local resources. */
export const BENCH_NAMES = { deliveryStreamName: 'ctr-bench', bucketName: 'ctr-bench' } as const;

/** What the benchmark asks its server process: write the Firehose buffers now, or stop. */
export type ServerProcessRequest = 'flush' | 'close';

/** What the server process answers: its endpoints once listening, then `flushed` after each flush. */
export type ServerProcessMessage =
  | { readonly endpoints: { kinesis: string; s3: string; firehose: string } }
  | 'flushed';
