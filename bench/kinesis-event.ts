import type { KinesisStreamEvent } from 'aws-lambda';
import { toLambdaEvent, toLambdaRecord } from '../local/poller/kinesis-event';

/** Shard and stream the benchmark's events claim to come from. */
export const BENCH_SHARD = 'shardId-000000000000';
export const BENCH_STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/ctr-bench';
const FIRST_SEQUENCE = 49590338271490256608559692538361571095921575989136588898n;

/**
 * Cuts the corpus into the Kinesis events Lambda would deliver with the given batch size: one shard,
 * increasing sequence numbers, built with the local event source mapping's own record converter.
 */
export function toKinesisEvents(records: readonly Buffer[], batchSize: number): KinesisStreamEvent[] {
  const source = {
    streamArn: BENCH_STREAM_ARN,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/ctr-dedup',
  };
  const arrival = new Date(Date.UTC(2022, 0, 10));
  const events: KinesisStreamEvent[] = [];
  for (let i = 0; i < records.length; i += batchSize) {
    const batch = records.slice(i, i + batchSize).map((data, j) =>
      toLambdaRecord(
        BENCH_SHARD,
        {
          Data: data,
          PartitionKey: `pk-${i + j}`,
          SequenceNumber: (FIRST_SEQUENCE + BigInt(i + j)).toString(),
          ApproximateArrivalTimestamp: arrival,
        },
        source,
      ),
    );
    events.push(toLambdaEvent(batch));
  }
  return events;
}
