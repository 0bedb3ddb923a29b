import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';

/** The clients a design gets; the benchmark counts (and may delay) their requests. */
export interface DesignClients {
  readonly dynamodb: DynamoDBClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
}

/** Where a design keeps state and sends records. */
export interface DesignTargets {
  readonly tableName: string;
  readonly deliveryStreamName: string;
  /** Bucket for quarantined records (only this project's handler has a quarantine). */
  readonly bucketName: string;
}

/** Processes one Kinesis batch; resolves to the sequence numbers to retry (none on the happy path). */
export type BatchFunction = (event: KinesisStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** A deduplication design under test: its table and its batch function. */
export interface DedupDesign {
  /** Short id used in JSON and the chart. */
  readonly id: string;
  /** What it is, for the table. */
  readonly label: string;
  /** Creates the design's table, as its users would define it. */
  createTable(dynamodb: DynamoDBClient, tableName: string): Promise<void>;
  /** Builds the function Lambda would invoke per batch. */
  build(clients: DesignClients, targets: DesignTargets): BatchFunction;
}
