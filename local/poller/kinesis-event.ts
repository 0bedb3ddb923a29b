import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** Where the records come from and who receives them, as Lambda names them in each event record. */
export interface EventSourceIdentity {
  readonly streamArn: string;
  readonly region: string;
  /** The function's execution role. */
  readonly invokeIdentityArn: string;
}

/** Converts one GetRecords record to the record shape Lambda puts in a Kinesis event. */
export function toLambdaRecord(
  shardId: string,
  record: KinesisRecord,
  source: EventSourceIdentity,
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

/** Wraps records in the event Lambda passes to the function. */
export const toLambdaEvent = (records: readonly KinesisStreamRecord[]): KinesisStreamEvent => ({
  Records: [...records],
});
