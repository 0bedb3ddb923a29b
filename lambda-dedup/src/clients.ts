import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * How long one HTTP request may take before the SDK abandons it (and retries it, within its attempts).
 * Without a limit a hung connection holds the invocation until Lambda's timeout, and every claim it made
 * stays leased that long. Claims are small; a PutRecordBatch or quarantine object carries up to 4 MiB.
 */
export const REQUEST_TIMEOUTS_MS = { dynamodb: 5_000, firehose: 15_000, s3: 15_000 } as const;
/** Time to open a connection. */
export const CONNECTION_TIMEOUT_MS = 3_000;

/** Overrides for tests and local runs; in Lambda everything comes from the standard SDK chain. */
export interface DedupClientOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** @default REQUEST_TIMEOUTS_MS */
  readonly requestTimeoutsMs?: Partial<Record<keyof typeof REQUEST_TIMEOUTS_MS, number>>;
  /** @default each client's own (DynamoDB: 5, adaptive) */
  readonly maxAttempts?: number;
}

/** What `withoutSdkCallLogging` needs of a client: every SDK v3 client has it. */
interface HasMiddlewareStack {
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

/**
 * Takes the SDK's logger middleware out of a client. Without a configured logger it still runs on every call:
 * it copies the call's input and output through the schema's sensitive-data filter (every record of a
 * PutRecordBatch, every parameter of a batch of 25 statements) and hands the copies to a logger that drops
 * them, about a tenth of the handler's CPU at 100 records a batch. The function never gives the SDK a logger
 * (it logs counts with Powertools), so nothing that was logged is lost.
 */
export function withoutSdkCallLogging<T extends HasMiddlewareStack>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** The dedup function's AWS clients, each with request and connection timeouts, without the SDK's call logging. */
export function createDedupClients(options: DedupClientOptions = {}) {
  const { requestTimeoutsMs = {}, maxAttempts, ...common } = options;
  const handler = (service: keyof typeof REQUEST_TIMEOUTS_MS) => ({
    requestHandler: {
      requestTimeout: requestTimeoutsMs[service] ?? REQUEST_TIMEOUTS_MS[service],
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      // Without it the handler only logs a warning and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
  return {
    // Throttled claims are retried by the SDK (adaptive mode backs off the whole client); what still fails
    // is reported to the stream as a batch item failure, never as a duplicate.
    dynamodb: withoutSdkCallLogging(
      new DynamoDBClient({
        ...common,
        ...handler('dynamodb'),
        maxAttempts: maxAttempts ?? 5,
        retryMode: 'adaptive',
      }),
    ),
    firehose: withoutSdkCallLogging(
      new FirehoseClient({ ...common, ...handler('firehose'), ...(maxAttempts ? { maxAttempts } : {}) }),
    ),
    s3: withoutSdkCallLogging(new S3Client({ ...common, ...handler('s3'), ...(maxAttempts ? { maxAttempts } : {}) })),
  };
}
