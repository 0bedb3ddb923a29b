import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../lambda-dedup/src/config';
import { DEDUP_ENV } from '../lambda-dedup/src/constants';
import { createDedupHandler } from '../lambda-dedup/src/handler';
import { keyFromString, staticKey } from '../lambda-dedup/src/pseudonymization-key';
import { createPseudonymizer, type Pseudonymize } from '../lambda-dedup/src/pseudonymize';
import { EMULATOR_ENV } from '../lambda-emulator/src/constants';
import { DEFAULT_EVENT_SOURCE_SETTINGS, type EventSourceSettings } from '../lib/definitions/event-source-settings';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  localFirehoseClient,
  localKinesisClient,
  localS3Client,
  newDynamoDbNamespace,
} from './clients';
import { type FirehoseEndpoint, startFirehoseEndpoint } from './firehose/endpoint';
import type { FirehoseFaults } from './firehose/faults';
import { stackDeliveryStream } from './firehose/stack-delivery-stream';
import { EventSourceMapping, type EventSourceMappingProps, type KinesisHandler } from './poller/event-source-mapping';
import { s3FailureDestination } from './poller/failure-destination';
import { startDynamoDb } from './servers/dynamodb';
import { startKinesis, startKinesisProcess } from './servers/kinesis';
import type { RunningServer } from './servers/listen';
import { startS3 } from './servers/s3';
import { createClaimsTable } from './tables';

/** Names of the local resources; they mirror the stack's roles, not its generated names. */
export const LOCAL_NAMES = {
  streamName: 'ctr-stream',
  tableName: 'ctr-dedup-claims',
  deliveryStreamName: 'ctr-delivery',
  /** One bucket holds delivered CTRs, quarantine, failed batches and Firehose errors, each under its prefix. */
  bucketName: 'ctr-local',
  failurePrefix: 'failures/',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ctr-dedup',
  roleArn: 'arn:aws:iam::000000000000:role/ctr-dedup',
} as const;

/**
 * The local pipeline's pseudonymization key. Not a secret: it only protects the synthetic numbers of the
 * samples, and a fixed key gives the same tokens run after run. In AWS the key lives in Secrets Manager.
 */
export const LOCAL_PSEUDONYMIZATION_KEY = 'local-only-pseudonymization-key-not-a-secret';

/** The pseudonymizer the local pipeline runs with (local key, no extra paths). */
export const localPseudonymizer = (): Pseudonymize =>
  createPseudonymizer(keyFromString(LOCAL_PSEUDONYMIZATION_KEY, 'the local key'));

/** Options of the local environment. */
export interface LocalEnvironmentProps {
  /** Shards of the local stream. @default 2 */
  readonly shardCount?: number;
  /** Overrides of the event source mapping settings shared with the stack. @default DEFAULT_EVENT_SOURCE_SETTINGS */
  readonly eventSource?: Partial<EventSourceSettings>;
  /** Faults the Firehose endpoint injects. @default none */
  readonly firehoseFaults?: FirehoseFaults;
  /** Firehose buffer interval; AWS's minimum is 60 s, locally shorter keeps runs quick. @default 1000 ms */
  readonly firehoseBufferIntervalMs?: number;
  /**
   * Pseudonymize callers as the stack does (`ctr local` turns it on). Off by default here so that tests of
   * deduplication can compare delivered lines with their input byte for byte.
   * @default false
   */
  readonly pseudonymize?: boolean;
  /** Key of the dedup function's pseudonymization (at least 32 bytes). @default LOCAL_PSEUDONYMIZATION_KEY */
  readonly pseudonymizationKey?: string;
  /** Extra environment for the dedup function (e.g. `DELIVERY_RECEIPTS`, `PSEUDONYMIZE=off`). @default none */
  readonly dedupEnv?: Readonly<Record<string, string>>;
  /** Wraps the dedup handler, e.g. to inject faults in tests. @default none */
  readonly wrapHandler?: (handler: KinesisHandler) => KinesisHandler;
  /** The dedup function's timeout; a longer invocation is killed, as Lambda does. @default none */
  readonly functionTimeoutMs?: number;
  /** Records the event source mapping asks of each GetRecords call (`EventSourceMappingProps.readLimit`). @default one batch */
  readonly readLimit?: number;
  /**
   * Keep the stream's and the table's data on disk (LevelDB in the temporary directory), and the Firehose
   * endpoint's buffered records in files there, instead of in memory: a run of hundreds of MB then needs
   * little memory. @default false
   */
  readonly dataOnDisk?: boolean;
  /** Run kinesalite in a Node process of its own, so that its work uses another core (`ctr local` does). @default false */
  readonly kinesisProcess?: boolean;
  /**
   * A DynamoDB server already running (DynamoDB Local, shared by a test run); the environment gets a
   * database of its own on it and leaves the server running. @default a fresh dynalite
   */
  readonly dynamodbEndpoint?: string;
}

/** Servers, clients and the wired-up functions of a local pipeline; keeps state until `stop()`. */
export interface LocalEnvironment {
  readonly endpoints: {
    readonly kinesis: string;
    readonly dynamodb: string;
    readonly s3: string;
    readonly firehose: string;
  };
  readonly clients: {
    readonly kinesis: KinesisClient;
    readonly dynamodb: DynamoDBClient;
    readonly s3: S3Client;
    readonly firehose: FirehoseClient;
  };
  readonly names: typeof LOCAL_NAMES;
  readonly firehose: FirehoseEndpoint;
  readonly mapping: EventSourceMapping;
  /** Another mapping on the same stream with its own checkpoints (a second poller, or a replay). */
  newMapping(overrides?: Partial<EventSourceMappingProps>): EventSourceMapping;
  /** What the dedup function does to each delivered line (absent with `PSEUDONYMIZE=off`). */
  readonly pseudonymize?: Pseudonymize;
  /** The emulator Lambda handler, loaded with this environment's endpoint. */
  readonly emulator: (event: unknown) => Promise<{ sent: number }>;
  /** The temporary directory holding the servers' data (removed by `stop`). */
  readonly tempDir: string;
  /** Stops every server and removes the S3 server's directory. */
  stop(): Promise<void>;
}

/** The emulator handler's module shape (lambda-emulator/src/index.ts). */
interface EmulatorModule {
  handler(event: unknown): Promise<{ sent: number }>;
}

/**
 * Loads the emulator Lambda's entry point as Lambda would: environment first, then the module (it reads
 * STREAM_NAME and builds its client at load time). The endpoint reaches it through AWS_ENDPOINT_URL_KINESIS,
 * the SDK's standard variable, so the handler runs unchanged.
 */
function loadEmulator(kinesisEndpoint: string): EmulatorModule['handler'] {
  Object.assign(process.env, {
    [EMULATOR_ENV.streamName]: LOCAL_NAMES.streamName,
    AWS_ENDPOINT_URL_KINESIS: kinesisEndpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const modulePath = require.resolve('../lambda-emulator/src/index');
  // A fresh module per environment, so a second environment in one process gets its own endpoint.
  delete require.cache[modulePath];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(modulePath) as EmulatorModule).handler;
}

/** Starts kinesalite, dynalite (unless given a DynamoDB endpoint), s3rver and the Firehose endpoint, creates the resources and wires the functions. */
export async function startLocalEnvironment(props: LocalEnvironmentProps = {}): Promise<LocalEnvironment> {
  // Quiet Powertools unless asked otherwise: its INFO logs and EMF metrics go to stdout, the CLI's output.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const s3Dir = await mkdtemp(join(tmpdir(), 'ctr-s3-'));
  const started: RunningServer[] = [];
  try {
    const onDisk = (name: string) => (props.dataOnDisk ? join(s3Dir, name) : undefined);
    const external = props.dynamodbEndpoint;
    const [kinesisServer, dynamoServer, s3Server] = await Promise.all([
      (props.kinesisProcess ? startKinesisProcess : startKinesis)(onDisk('.kinesis')),
      external ? { endpoint: external, close: async () => undefined } : startDynamoDb(onDisk('.dynamodb')),
      startS3(s3Dir),
    ]);
    started.push(kinesisServer, dynamoServer, s3Server);
    const kinesis = localKinesisClient(kinesisServer.endpoint);
    const dynamodb = localDynamoDbClient(dynamoServer.endpoint, external ? newDynamoDbNamespace() : undefined);
    const s3 = localS3Client(s3Server.endpoint);

    await Promise.all([
      kinesis.send(new CreateStreamCommand({ StreamName: LOCAL_NAMES.streamName, ShardCount: props.shardCount ?? 2 })),
      createClaimsTable(dynamodb, LOCAL_NAMES.tableName),
      s3.send(new CreateBucketCommand({ Bucket: LOCAL_NAMES.bucketName })),
    ]);

    const spoolDir = onDisk('.firehose');
    if (spoolDir) await mkdir(spoolDir);
    const firehose = await startFirehoseEndpoint({
      s3,
      faults: props.firehoseFaults,
      spoolDir,
      deliveryStreams: [
        stackDeliveryStream(
          { name: LOCAL_NAMES.deliveryStreamName, bucketName: LOCAL_NAMES.bucketName },
          props.firehoseBufferIntervalMs ?? 1000,
        ),
      ],
    });
    started.push(firehose);
    const firehoseClient = localFirehoseClient(firehose.endpoint);

    const config = loadConfig({
      [DEDUP_ENV.tableName]: LOCAL_NAMES.tableName,
      [DEDUP_ENV.deliveryStreamName]: LOCAL_NAMES.deliveryStreamName,
      [DEDUP_ENV.quarantineBucketName]: LOCAL_NAMES.bucketName,
      [DEDUP_ENV.pseudonymize]: props.pseudonymize ? 'on' : 'off',
      ...props.dedupEnv,
    });
    const key = keyFromString(props.pseudonymizationKey ?? LOCAL_PSEUDONYMIZATION_KEY, 'the local key');
    const pseudonymizationKey = staticKey(key);
    const dedup: KinesisHandler = createDedupHandler({
      dynamodb,
      firehose: firehoseClient,
      s3,
      config,
      pseudonymizationKey,
    });
    const emulator = loadEmulator(kinesisServer.endpoint);

    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: LOCAL_NAMES.streamName }));
    const mappingProps: EventSourceMappingProps = {
      kinesis,
      streamName: LOCAL_NAMES.streamName,
      source: {
        streamArn: summary.StreamDescriptionSummary?.StreamARN ?? '',
        region: LOCAL_REGION,
        invokeIdentityArn: LOCAL_NAMES.roleArn,
      },
      functionArn: LOCAL_NAMES.functionArn,
      handler: props.wrapHandler ? props.wrapHandler(dedup) : dedup,
      settings: { ...DEFAULT_EVENT_SOURCE_SETTINGS, ...props.eventSource },
      onFailure: s3FailureDestination(s3, LOCAL_NAMES.bucketName, LOCAL_NAMES.failurePrefix),
      functionTimeoutMs: props.functionTimeoutMs,
      readLimit: props.readLimit,
    };
    const mapping = new EventSourceMapping(mappingProps);

    return {
      endpoints: {
        kinesis: kinesisServer.endpoint,
        dynamodb: dynamoServer.endpoint,
        s3: s3Server.endpoint,
        firehose: firehose.endpoint,
      },
      clients: { kinesis, dynamodb, s3, firehose: firehoseClient },
      names: LOCAL_NAMES,
      firehose,
      mapping,
      pseudonymize: config.pseudonymize === 'on' ? createPseudonymizer(key, config.pseudonymizedPaths) : undefined,
      newMapping: (overrides = {}) => {
        // Another poller of the same function: its invocations are planned (and faulted) the same way.
        const other = new EventSourceMapping({ ...mappingProps, ...overrides });
        other.planInvocation = (invocation) => mapping.planInvocation(invocation);
        return other;
      },
      emulator,
      tempDir: s3Dir,
      stop: async () => {
        // The Firehose endpoint flushes into S3 on close, so it stops first and S3 last. When that last flush
        // fails (records not delivered), everything still stops, and the failure is thrown after.
        const flushFailure = await firehose.close().then(
          () => undefined,
          (err: unknown) => ({ err }),
        );
        await Promise.all([kinesisServer.close(), dynamoServer.close()]);
        for (const client of [kinesis, dynamodb, s3, firehoseClient]) client.destroy();
        await s3Server.close();
        await rm(s3Dir, { recursive: true, force: true });
        if (flushFailure) throw flushFailure.err;
      },
    };
  } catch (err) {
    for (const server of started.reverse()) await server.close().catch(() => undefined);
    await rm(s3Dir, { recursive: true, force: true });
    throw err;
  }
}
