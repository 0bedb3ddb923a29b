import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { DELIVERY_LAYOUT } from '../lib/definitions/delivery-layout';
import { localS3Client } from '../local/clients';
import { type FirehoseEndpoint, startFirehoseEndpoint } from '../local/firehose/endpoint';
import { startDynamoDbLocal } from '../local/servers/dynamodb-local';
import { startKinesis } from '../local/servers/kinesis';
import type { RunningServer } from '../local/servers/listen';
import { startS3 } from '../local/servers/s3';

/** Names the benchmark gives its local resources. */
export const BENCH_NAMES = { deliveryStreamName: 'ctr-bench', bucketName: 'ctr-bench' } as const;

/** The local servers, started once for the whole benchmark. */
export interface BenchServers {
  readonly endpoints: {
    readonly dynamodb: string;
    readonly kinesis: string;
    readonly s3: string;
    readonly firehose: string;
  };
  readonly firehose: FirehoseEndpoint;
  close(): Promise<void>;
}

/**
 * Starts kinesalite, DynamoDB Local (its own Java process, so this process's CPU is the client's), s3rver and the Firehose-compatible endpoint with the local pipeline's own
 * starters, and the bucket the delivery stream writes to (partitioned, converted and backed up as in the stack).
 */
export async function startBenchServers(): Promise<BenchServers> {
  const dir = await mkdtemp(join(tmpdir(), 'ctr-bench-s3-'));
  const [dynamodb, kinesis, s3] = await Promise.all([startDynamoDbLocal(), startKinesis(), startS3(dir)]);
  const s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BENCH_NAMES.bucketName }));
  const firehose = await startFirehoseEndpoint({
    s3: s3Client,
    deliveryStreams: [
      {
        name: BENCH_NAMES.deliveryStreamName,
        bucketName: BENCH_NAMES.bucketName,
        prefix: DELIVERY_LAYOUT.prefix,
        errorOutputPrefix: DELIVERY_LAYOUT.errorOutputPrefix,
        partitionQueries: { [DELIVERY_LAYOUT.partitionColumn]: DELIVERY_LAYOUT.partitionQuery },
        // As the stack's stream and `ctr local`: Parquet under ctr/, every source record also under backup/
        // (GZIP JSON under ctr/ was the lake before record format conversion).
        parquet: true,
        backupPrefix: DELIVERY_LAYOUT.backupPrefix,
        bufferIntervalMs: 1000,
      },
    ],
  });
  const servers: RunningServer[] = [dynamodb, kinesis];
  return {
    endpoints: { dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint, s3: s3.endpoint, firehose: firehose.endpoint },
    firehose,
    close: async () => {
      await firehose.close();
      await Promise.all(servers.map((s) => s.close()));
      s3Client.destroy();
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
