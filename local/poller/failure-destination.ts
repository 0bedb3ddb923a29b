import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { toLambdaEvent } from './kinesis-event';

/** Why a batch was given up on, in Lambda's words. */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** A batch the event source mapping gave up on. */
export interface FailedBatch {
  readonly shardId: string;
  readonly streamArn: string;
  readonly functionArn: string;
  readonly records: readonly KinesisStreamRecord[];
  readonly condition: FailureCondition;
  readonly invokeCount: number;
  /** The last error, if the function threw. */
  readonly functionError?: string;
}

/** Receives batches the event source mapping gave up on. */
export type FailureDestination = (batch: FailedBatch) => Promise<void>;

/**
 * An S3 on-failure destination: one object per batch under `prefix`, with Lambda's invocation record
 * fields and, as S3 destinations do (SQS/SNS ones keep only metadata), the invocation payload itself.
 */
export function s3FailureDestination(s3: S3Client, bucketName: string, prefix = 'failures/'): FailureDestination {
  return async (batch) => {
    const now = new Date();
    const first = batch.records[0].kinesis;
    const last = batch.records[batch.records.length - 1].kinesis;
    const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
    const stamp = now.toISOString().slice(0, 19).replace(/:/g, '.');
    const document = {
      version: '1.0',
      timestamp: now.toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: batch.functionArn,
        condition: batch.condition,
        approximateInvokeCount: batch.invokeCount,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: batch.functionError ?? '',
      },
      KinesisBatchInfo: {
        shardId: batch.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.approximateArrivalTimestamp * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.approximateArrivalTimestamp * 1000).toISOString(),
        batchSize: batch.records.length,
        streamArn: batch.streamArn,
      },
      payload: JSON.stringify(toLambdaEvent(batch.records)),
    };
    await s3.send(
      new PutObjectCommand({
        Bucket: bucketName,
        Key: `${prefix}${batch.shardId}/${day}/${stamp}-${randomUUID()}`,
        Body: JSON.stringify(document),
        ContentType: 'application/json',
      }),
    );
  };
}
