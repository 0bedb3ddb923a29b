// Placeholder signature until the dedup handler lands (the local pipeline codes against it).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DedupConfig } from './config';

/** What the dedup handler needs: its AWS clients and its validated configuration. */
export interface DedupDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
  readonly config: DedupConfig;
}

/** Builds the Lambda handler around injected clients (the Lambda entry point injects the default ones). */
export function createDedupHandler(_deps: DedupDependencies) {
  return async (_event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => ({ batchItemFailures: [] });
}
