import { gunzipSync } from 'node:zlib';
import { type FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectBytes, listKeys } from '../../local/bucket';
import type { FirehoseEndpoint } from '../../local/firehose/endpoint';
import { type FirehoseFixture, startFirehoseFixture } from './firehose-fixture';

// The Firehose endpoint through the real SDK client, writing to a real s3rver.
describe('local Firehose endpoint', () => {
  let fixture: FirehoseFixture;
  let s3: S3Client;
  let endpoint: FirehoseEndpoint;
  let firehose: FirehoseClient;
  const bucket = 'test-bucket';
  const data = (text: string) => ({ Data: Buffer.from(text) });

  beforeAll(async () => {
    fixture = await startFirehoseFixture(bucket);
    ({ s3, endpoint, firehose } = fixture);
  });
  afterAll(() => fixture?.close());

  test('buffers by partition, writes GZIP objects on flush, and sends unpartitionable records to the error prefix', async () => {
    const out = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'stream',
        Records: [
          data('{"InitiationTimestamp":"2022-01-05T01:00:00Z","n":1}\n'),
          data('{"InitiationTimestamp":"2022-01-06T01:00:00Z","n":2}\n'),
          data('{"InitiationTimestamp":"2022-01-05T02:00:00Z","n":3}\n'),
          data('{"n":4}\n'),
        ],
      }),
    );
    expect(out.FailedPutCount).toBe(0);
    expect(out.RequestResponses?.every((r) => typeof r.RecordId === 'string')).toBe(true);
    expect(await listKeys(s3, bucket)).toEqual([]);

    await endpoint.flush();
    const keys = await listKeys(s3, bucket);
    const day5 = keys.filter((k) => k.startsWith('ctr/dt=2022-01-05/stream-1-'));
    expect(day5).toHaveLength(1);
    expect(gunzipSync(await getObjectBytes(s3, bucket, day5[0])).toString()).toBe(
      '{"InitiationTimestamp":"2022-01-05T01:00:00Z","n":1}\n{"InitiationTimestamp":"2022-01-05T02:00:00Z","n":3}\n',
    );
    expect(keys.filter((k) => k.startsWith('ctr/dt=2022-01-06/'))).toHaveLength(1);
    const errors = keys.filter((k) => k.startsWith('firehose-errors/processing-failed/dt='));
    expect(errors).toHaveLength(1);
    const errorDoc = JSON.parse(gunzipSync(await getObjectBytes(s3, bucket, errors[0])).toString());
    expect(Buffer.from(errorDoc.rawData, 'base64').toString()).toBe('{"n":4}\n');
  });

  test('answers API errors as Firehose does', async () => {
    await expect(
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'nope', Records: [data('{}')] })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const many = Array.from({ length: 501 }, () => data('{}'));
    await expect(
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'stream', Records: many })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const big = { Data: Buffer.alloc(1000 * 1024 + 1, 0x61) };
    await expect(
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'stream', Records: [big] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const fiveOfNear1MiB = Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(1000 * 1024, 0x61) }));
    await expect(
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'stream', Records: fiveOfNear1MiB })),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });

  test('injects entry and call failures deterministically from a seed', async () => {
    const failedIndexes = async () => {
      endpoint.setFaults({ failEntryFraction: 0.5, seed: 42 });
      const out = await firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'stream',
          Records: Array.from({ length: 20 }, (_, i) => data(`{"InitiationTimestamp":"2022-01-07","i":${i}}\n`)),
        }),
      );
      const responses = out.RequestResponses ?? [];
      expect(out.FailedPutCount).toBe(responses.filter((r) => r.ErrorCode).length);
      return responses.flatMap((r, i) => (r.ErrorCode === 'ServiceUnavailableException' ? [i] : []));
    };
    const first = await failedIndexes();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    expect(await failedIndexes()).toEqual(first);

    // A whole-call 503 is what the SDK retries by itself: the first two calls fail, the third attempt succeeds.
    endpoint.setFaults({ failFirstCalls: 2 });
    const put = await firehose.send(new PutRecordCommand({ DeliveryStreamName: 'stream', Record: data('{}') }));
    expect(put.$metadata.attempts).toBe(3);
    expect(put.RecordId).toEqual(expect.any(String));
    // More failing calls than the SDK's attempts: the caller gets the 503.
    endpoint.setFaults({ failFirstCalls: 10 });
    await expect(
      firehose.send(new PutRecordCommand({ DeliveryStreamName: 'stream', Record: data('{}') })),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    endpoint.setFaults({});
  });
});
