import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { withoutSdkCallLogging } from '../lambda-dedup/src/clients';
import { LocalRetryStrategy } from './local-retry-strategy';

/** Region every local client and handler uses. */
export const LOCAL_REGION = 'us-east-1';

/** s3rver accepts only this key pair; dynalite and kinesalite accept any, so all local clients use it. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

const common = () => ({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  // HTTP/1.1: kinesalite fails every HTTP/2 call with "Protocol error"; the others are fine with it too.
  requestHandler: new NodeHttpHandler(),
});

// Every local client goes without the SDK's call logging, as the function's own clients do: nothing is given a
// logger, and the filter copied every record of every call (GetRecords pages, PutRecords bodies) for nothing.

/** Kinesis client for kinesalite. */
export const localKinesisClient = (endpoint: string) =>
  withoutSdkCallLogging(new KinesisClient({ ...common(), endpoint }));

/** Attempts per call of the local DynamoDB client: the SDK's own default for DynamoDB. */
export const LOCAL_DYNAMODB_MAX_ATTEMPTS = 4;

/**
 * Backoff of the local DynamoDB client. The SDK waits up to 1 s after a throttle (its base for throttling
 * errors) so that a real table's capacity can recover; a local server has no capacity to recover, and the
 * throttles it answers are injected faults, so a run under `--fault dynamodb-throttle` spent most of its
 * time asleep with the CPUs idle. Attempts and which errors are retried stay as the SDK's.
 */
export const LOCAL_DYNAMODB_BACKOFF_MS = { base: 10, max: 200 } as const;

/**
 * DynamoDB client for dynalite or DynamoDB Local. `namespace` is an access key id of its own: DynamoDB Local
 * keeps a separate database per access key and region, so clients of one shared server do not see each
 * other's tables (letters and digits only). @default the shared local key
 */
export const localDynamoDbClient = (endpoint: string, namespace?: string) =>
  withoutSdkCallLogging(
    new DynamoDBClient({
      ...common(),
      endpoint,
      retryStrategy: new LocalRetryStrategy(
        LOCAL_DYNAMODB_MAX_ATTEMPTS,
        LOCAL_DYNAMODB_BACKOFF_MS.base,
        LOCAL_DYNAMODB_BACKOFF_MS.max,
      ),
      ...(namespace ? { credentials: { accessKeyId: namespace, secretAccessKey: namespace } } : {}),
    }),
  );

/** A fresh namespace for `localDynamoDbClient`. */
export const newDynamoDbNamespace = () => `ns${randomUUID().replace(/-/g, '')}`;

/** Firehose client for the local Firehose-compatible endpoint. */
export const localFirehoseClient = (endpoint: string) =>
  withoutSdkCallLogging(new FirehoseClient({ ...common(), endpoint }));

/**
 * How many attempts the local S3 client makes per call. s3rver answers HTTP 500 `InternalError` now and then
 * when the machine is loaded; the SDK's default of 3 attempts let one such streak end a whole run. Every S3
 * write of the local stand-ins (Firehose's objects, the failure destination, quarantine, the export) goes
 * through this client, with no retry quota (see `LocalRetryStrategy`).
 */
export const LOCAL_S3_MAX_ATTEMPTS = 10;

/** S3 client for s3rver: path-style addressing, and checksums only when required (else s3rver stores chunk framing). */
export const localS3Client = (endpoint: string) =>
  withoutSdkCallLogging(
    new S3Client({
      ...common(),
      endpoint,
      retryStrategy: new LocalRetryStrategy(LOCAL_S3_MAX_ATTEMPTS),
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
