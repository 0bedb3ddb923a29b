import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { localDynamoDbClient, localFirehoseClient, localS3Client } from '../local/clients';
import { countRequests, type RequestCounts } from './counters';
import type { DedupDesign, DesignTargets } from './design';
import { injectLatency } from './latency';
import { collectGarbage, cpuMicros, type MemoryPeak, MemorySampler } from './measure';
import { type FirehoseStubStats, inMemoryFirehoseClient } from './stubs/in-memory-transport';

/** One pass of a design over every event of the corpus. */
export interface DesignRun {
  readonly wallMs: number;
  /** The process's CPU during the run, minus what the in-memory Firehose stand-in spent answering. */
  readonly cpuUs: number;
  /** CPU the in-memory Firehose stand-in spent, already taken out of `cpuUs` (0 against the local servers). */
  readonly standInCpuUs: number;
  /** Wall time the injected DynamoDB latency accounts for (the latency model; 0 without latency). */
  readonly latencyWaitMs: number;
  readonly dynamodb: RequestCounts;
  readonly firehose: RequestCounts;
  /** Records the design reported for retry (0 on a healthy run). */
  readonly failures: number;
  readonly memory: MemoryPeak;
}

/** Where the clients of a run point. */
export type Backend =
  | {
      readonly kind: 'local';
      readonly dynamodbEndpoint: string;
      readonly firehoseEndpoint: string;
      readonly s3Endpoint: string;
      readonly latencyMs: number;
    }
  /**
   * For CPU figures: no added latency, DynamoDB in its own process (its CPU is not this process's), and Firehose
   * at `firehoseEndpoint` (in its own process too) or, without it, answered in memory by a stand-in.
   */
  | { readonly kind: 'cpu'; readonly dynamodbEndpoint: string; readonly firehoseEndpoint?: string };

let tableSerial = 0;
const SAMPLE_INTERVAL_MS = 250;

/**
 * Runs a design over the events with fresh clients and a fresh table: the table is created before the
 * clock starts; requests are counted from the first batch on. Batches run one after another, as one
 * shard's batches do.
 */
export async function runDesign(
  design: DedupDesign,
  events: readonly KinesisStreamEvent[],
  backend: Backend,
  targets: Omit<DesignTargets, 'tableName'>,
): Promise<DesignRun> {
  let dynamodb: DynamoDBClient;
  let firehose: FirehoseClient;
  let s3: S3Client;
  let standIn: FirehoseStubStats | undefined;
  if (backend.kind === 'local') {
    dynamodb = localDynamoDbClient(backend.dynamodbEndpoint);
    firehose = localFirehoseClient(backend.firehoseEndpoint);
    s3 = localS3Client(backend.s3Endpoint);
  } else {
    dynamodb = localDynamoDbClient(backend.dynamodbEndpoint);
    if (backend.firehoseEndpoint) firehose = localFirehoseClient(backend.firehoseEndpoint);
    else ({ client: firehose, stats: standIn } = inMemoryFirehoseClient());
    // No design writes to S3 on this corpus (no malformed records); a client that would fail is enough.
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://s3.stub.invalid',
      credentials: { accessKeyId: 'STUB', secretAccessKey: 'STUB' },
    });
  }
  const tableName = `${design.id}-${++tableSerial}`;
  await design.createTable(dynamodb, tableName);
  const dynamoCounter = countRequests(dynamodb);
  const firehoseCounter = countRequests(firehose);
  const latency = injectLatency(dynamodb, backend.kind === 'local' ? backend.latencyMs : 0);
  const fn = design.build({ dynamodb, firehose, s3 }, { ...targets, tableName });

  collectGarbage();
  // Sampled after every batch and on a coarse timer: each sample costs a few µs of this process's CPU.
  const sampler = new MemorySampler().start(SAMPLE_INTERVAL_MS);
  let failures = 0;
  try {
    const { cpuUs, wallMs } = await cpuMicros(async () => {
      for (const event of events) {
        failures += (await fn(event)).batchItemFailures.length;
        sampler.sample();
      }
    });
    const standInCpuUs = standIn?.cpuUs ?? 0;
    return {
      wallMs,
      cpuUs: cpuUs - standInCpuUs,
      standInCpuUs,
      latencyWaitMs: latency.waitedMs(),
      dynamodb: dynamoCounter.counts,
      firehose: firehoseCounter.counts,
      failures,
      memory: sampler.stop(),
    };
  } finally {
    sampler.stop();
    for (const client of [dynamodb, firehose, s3]) client.destroy();
  }
}
