import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchExecuteStatementCommand,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { recordDeliveries } from '../../lambda-dedup/src/batchClaims';
import type { DedupConfig } from '../../lambda-dedup/src/config';
import { localDynamoDbClient, newDynamoDbNamespace } from '../../local/clients';
import { keyOf } from '../../local/faults/dynamodb-faults';
import { statementKey, statementVerb, withStatementFaults } from '../../local/faults/statement-faults';
import { toLambdaEvent, toLambdaRecord } from '../../local/poller/kinesis-event';
import { startDynamoDb as startDynaliteServer } from '../../local/servers/dynamodb';
import { createClaimsTable } from '../../local/tables';
import { sharedDynamoDbLocal } from '../dynamodb-local';

export const SAMPLES_DIR = join(__dirname, '..', '..', 'samples');
export const readSample = (name: string): string => readFileSync(join(SAMPLES_DIR, name), 'utf8').trim();
/** The six records of duplicated_samples.json, each as compact JSON. */
export const duplicatedSamples = (): string[] =>
  (JSON.parse(readSample('duplicated_samples.json')) as unknown[]).map((r) => JSON.stringify(r));

export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/ctr';
export const SHARD = 'shardId-000000000000';

/** Sequence numbers as Kinesis makes them: long decimal strings, increasing. */
export const seq = (i: number): string =>
  (49590338271490256608559692538361571095921575989136588898n + BigInt(i)).toString();

/**
 * Builds a Kinesis event exactly as Lambda sends it, with the local event source mapping's own record
 * converter. Entries are record bodies (string or bytes).
 */
export function kinesisEvent(
  entries: (string | Buffer)[],
  options: { first?: number; shardId?: string } = {},
): KinesisStreamEvent {
  const first = options.first ?? 0;
  const source = {
    streamArn: STREAM_ARN,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/dedup',
  };
  const arrival = new Date(1641402779123);
  return toLambdaEvent(
    entries.map((entry, i) =>
      toLambdaRecord(
        options.shardId ?? SHARD,
        {
          Data: Buffer.from(entry),
          PartitionKey: `pk-${i}`,
          SequenceNumber: seq(first + i),
          ApproximateArrivalTimestamp: arrival,
        },
        source,
      ),
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
export function ctr(
  contactId: string,
  lastUpdate = '2022-01-05T17:48:35Z',
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    ContactId: contactId,
    Channel: 'VOICE',
    InitiationTimestamp: '2022-01-05T17:12:59Z',
    LastUpdateTimestamp: lastUpdate,
    CustomerEndpoint: { Address: '+190011112222', Type: 'TELEPHONE_NUMBER' },
    ...extra,
  });
}

/** Which DynamoDB server a test talks to: DynamoDB Local runs the batched claims, dynalite the per-record fallback. */
export type DynamoDbServer = 'dynamodb-local' | 'dynalite';

/**
 * A real DynamoDB-compatible server with a claims table, and a real SDK client for it: a database of its
 * own on the run's shared DynamoDB Local, or a fresh dynalite (in memory).
 */
export async function startDynamoDb(
  tableName = 'dedup',
  server: DynamoDbServer = 'dynamodb-local',
): Promise<{ client: DynamoDBClient; tableName: string; stop: () => Promise<void> }> {
  const dynalite = server === 'dynalite' ? await startDynaliteServer() : undefined;
  const client = dynalite
    ? localDynamoDbClient(dynalite.endpoint)
    : localDynamoDbClient(sharedDynamoDbLocal(), newDynamoDbNamespace());
  await createClaimsTable(client, tableName);
  // The first batch call of a client finds out that dynalite lacks the operation; do it here, so tests
  // counting requests see the steady state (a function instance pays it once).
  if (dynalite) await recordDeliveries({ client, tableName, options: { concurrency: 1 } }, ['probe'], 'probe', 0);
  return {
    client,
    tableName,
    stop: async () => {
      client.destroy();
      await dynalite?.close();
    },
  };
}

/** A write as the claims table sees it, on either path: `INSERT` (PutItem), `UPDATE` (UpdateItem), `DELETE` (DeleteItem). */
export interface Write {
  readonly verb: string;
  readonly key: string;
}

const VERB_OF: Record<string, string> = {
  PutItemCommand: 'INSERT',
  UpdateItemCommand: 'UPDATE',
  DeleteItemCommand: 'DELETE',
};

/** The writes one `send` carries: one per statement of a batch, or the single item of a per-record call. */
export function writesOf(command: unknown): Write[] {
  const input = (command as { input: Record<string, unknown> }).input;
  if (command instanceof BatchExecuteStatementCommand) {
    return (command.input.Statements ?? []).map((s) => ({ verb: statementVerb(s), key: statementKey(s) ?? '' }));
  }
  const verb = VERB_OF[(command as { constructor: { name: string } }).constructor.name];
  return verb ? [{ verb, key: keyOf(input) ?? '' }] : [];
}

/** Counts the writes the client sends that `filter` picks, on whichever path the server allows. */
export function countWrites(client: DynamoDBClient, filter: (write: Write) => boolean = () => true): () => number {
  const spy = jest.spyOn(client, 'send');
  return () => spy.mock.calls.flatMap(([command]) => writesOf(command)).filter(filter).length;
}

/**
 * Fails the writes `pick` chooses, on either path: a per-record call rejects with `error`; a statement of a
 * batch fails with `code` inside DynamoDB's 200 answer, as `BatchExecuteStatement` reports it.
 */
export function failWrites(
  client: DynamoDBClient,
  pick: (write: Write) => { error: Error; code: string } | undefined,
): void {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  jest.spyOn(client, 'send').mockImplementation(((command: unknown) => {
    if (command instanceof BatchExecuteStatementCommand) {
      return withStatementFaults(
        command.input,
        (statement) => {
          const fault = pick({ verb: statementVerb(statement), key: statementKey(statement) ?? '' });
          return fault && { code: fault.code };
        },
        (input) => send(new BatchExecuteStatementCommand(input)) as never,
      );
    }
    const [write] = writesOf(command);
    const fault = write && pick(write);
    return fault ? Promise.reject(fault.error) : send(command);
  }) as never);
}

/** A throttle as each path reports it. */
export const throttled = () => ({
  error: new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }),
  code: 'ProvisionedThroughputExceeded',
});
