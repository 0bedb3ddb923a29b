import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { localFirehoseClient, localS3Client } from '../../local/clients';
import type { DeliveryStreamSettings } from '../../local/firehose/delivery';
import { type FirehoseEndpoint, startFirehoseEndpoint } from '../../local/firehose/endpoint';
import { startS3 } from '../../local/servers/s3';

/** A local Firehose endpoint with one stream `stream` (the stack's layout, 60 s buffers) writing to a real s3rver. */
export interface FirehoseFixture {
  readonly dir: string;
  readonly s3: S3Client;
  readonly endpoint: FirehoseEndpoint;
  readonly firehose: FirehoseClient;
  close(): Promise<void>;
}

/**
 * Starts {@link FirehoseFixture} with the bucket created; `settings` override the stream's. `spool`: buffered
 * records wait in files (as in `ctr local`) instead of memory.
 */
export async function startFirehoseFixture(
  bucket: string,
  settings: Partial<DeliveryStreamSettings> = {},
  { spool = false }: { readonly spool?: boolean } = {},
): Promise<FirehoseFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ctr-fh-'));
  const s3Server = await startS3(join(dir, 's3'));
  const spoolDir = spool ? join(dir, 'spool') : undefined;
  if (spoolDir) await mkdir(spoolDir);
  const s3 = localS3Client(s3Server.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const endpoint = await startFirehoseEndpoint({
    s3,
    spoolDir,
    deliveryStreams: [
      {
        name: 'stream',
        bucketName: bucket,
        prefix: DELIVERY_LAYOUT.prefix,
        errorOutputPrefix: DELIVERY_LAYOUT.errorOutputPrefix,
        partitionQueries: { dt: DELIVERY_LAYOUT.partitionQuery },
        bufferIntervalMs: 60_000,
        ...settings,
      },
    ],
  });
  return {
    dir,
    s3,
    endpoint,
    firehose: localFirehoseClient(endpoint.endpoint),
    close: async () => {
      await endpoint.close();
      await s3Server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
