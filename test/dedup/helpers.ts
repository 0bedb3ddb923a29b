import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { toLambdaEvent, toLambdaRecord } from '../../local/poller/kinesis-event';
import type { DedupConfig } from '../../lambda-dedup/src/config';

import { localDynamoDbClient } from '../../local/clients';
import { startDynamoDb as startDynaliteServer } from '../../local/servers/dynamodb';
import { createClaimsTable } from '../../local/tables';

export const SAMPLES_DIR = join(__dirname, '..', '..', 'samples');
export const readSample = (name: string): string => readFileSync(join(SAMPLES_DIR, name), 'utf8').trim();
/** The six records of duplicated_samples.json, each as compact JSON. */
export const duplicatedSamples = (): string[] =>
  (JSON.parse(readSample('duplicated_samples.json')) as unknown[]).map((r) => JSON.stringify(r));

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/ctr';
export const SHARD = 'shardId-000000000000';

/** Sequence numbers as Kinesis makes them: long decimal strings, increasing. */
export const seq = (i: number): string => (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();

/**
 * Builds a Kinesis event exactly as Lambda sends it, with the local event source mapping's own record
 * converter. Entries are record bodies (string or bytes).
 */
export function kinesisEvent(entries: (string | Buffer)[], options: { first?: number; shardId?: string } = {}): KinesisStreamEvent {
  const first = options.first ?? 0;
  const source = { streamArn: STREAM_ARN, region: 'us-east-1', invokeIdentityArn: 'arn:aws:iam::123456789012:role/dedup' };
  const arrival = new Date(1641402779123);
  return toLambdaEvent(
    entries.map((entry, i) =>
      toLambdaRecord(options.shardId ?? SHARD, { Data: Buffer.from(entry), PartitionKey: `pk-${i}`, SequenceNumber: seq(first + i), ApproximateArrivalTimestamp: arrival }, source),
    ),
  );
}

/** The events' records from index `from` on: what the stream presents again after a partial failure. */
export const retryFrom = (event: KinesisStreamEvent, sequenceNumber: string): KinesisStreamEvent => ({
  Records: event.Records.filter((r) => BigInt(r.kinesis.sequenceNumber) >= BigInt(sequenceNumber)),
});

export const testConfig = (overrides: Partial<DedupConfig> = {}): DedupConfig => ({
  tableName: 'dedup',
  deliveryStreamName: 'ctr-delivery',
  quarantineBucketName: 'quarantine-bucket',
  quarantinePrefix: 'quarantine/',
  windowSeconds: 7 * 24 * 3600,
  fingerprintMode: 'canonical',
  claimConcurrency: 4,
  deliveryAttempts: 4,
  deliveryReceipts: 'batch',
  // Off here: these tests check deduplication; pseudonymization has its own tests.
  pseudonymize: 'off',
  pseudonymizedPaths: [],
  leaseMarginMs: 10_000,
  ...overrides,
});

/** A CTR with the given id and version timestamp; `extra` merges over it. */
export function ctr(contactId: string, lastUpdate = '2022-01-05T17:48:35Z', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ContactId: contactId,
    Channel: 'VOICE',
    InitiationTimestamp: '2022-01-05T17:12:59Z',
    LastUpdateTimestamp: lastUpdate,
    CustomerEndpoint: { Address: '+190011112222', Type: 'TELEPHONE_NUMBER' },
    ...extra,
  });
}

/** A real DynamoDB-compatible server (dynalite, in memory) with a claims table, and a real SDK client for it. */
export async function startDynamoDb(tableName = 'dedup'): Promise<{ client: DynamoDBClient; tableName: string; stop: () => Promise<void> }> {
  const server = await startDynaliteServer();
  const client = localDynamoDbClient(server.endpoint);
  await createClaimsTable(client, tableName);
  return {
    client,
    tableName,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}
