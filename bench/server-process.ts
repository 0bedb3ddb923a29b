// Entry point of the child process that `startBenchServers` forks: kinesalite, s3rver and the local Firehose
// endpoint (which writes its buffers to s3rver a second after the last record) run here, so that none of
// their CPU is counted as the handler's, and none of their work competes with it for the benchmark's thread.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { localS3Client } from '../local/clients';
import { startFirehoseEndpoint } from '../local/firehose/endpoint';
import { stackDeliveryStream } from '../local/firehose/stack-delivery-stream';
import { startKinesis } from '../local/servers/kinesis';
import { startS3 } from '../local/servers/s3';
import { BENCH_NAMES, type ServerProcessMessage, type ServerProcessRequest } from './server-protocol';

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ctr-bench-s3-'));
  const [kinesis, s3] = await Promise.all([startKinesis(), startS3(dir)]);
  const s3Client = localS3Client(s3.endpoint);
  await s3Client.send(new CreateBucketCommand({ Bucket: BENCH_NAMES.bucketName }));
  const firehose = await startFirehoseEndpoint({
    s3: s3Client,
    deliveryStreams: [
      stackDeliveryStream({ name: BENCH_NAMES.deliveryStreamName, bucketName: BENCH_NAMES.bucketName }, 1000),
    ],
  });
  const close = async () => {
    await firehose.close();
    await kinesis.close();
    s3Client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  };
  const send = (message: ServerProcessMessage) => process.send?.(message);
  process.on('message', (request: ServerProcessRequest) => {
    const work = request === 'flush' ? firehose.flush() : close();
    work.then(
      () => (request === 'flush' ? send('flushed') : process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`bench servers: ${request} failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  });
  send({ endpoints: { kinesis: kinesis.endpoint, s3: s3.endpoint, firehose: firehose.endpoint } });
}

// The parent's IPC channel closes when it exits, even when killed: the servers must not outlive it.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`bench servers could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
