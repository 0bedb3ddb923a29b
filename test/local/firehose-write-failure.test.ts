import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { listKeys } from '../../local/bucket';
import { addAttemptHook } from '../../local/faults/aws-middleware';
import type { FirehoseEndpoint } from '../../local/firehose/endpoint';
import { DeliveryWriteError } from '../../local/firehose/errors';
import { type FirehoseFixture, startFirehoseFixture } from './firehose-fixture';

// S3's error document for a refused write (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html);
// a client error, so the SDK does not retry it and each failing flush is quick.
const ACCESS_DENIED =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>injected</RequestId></Error>';

// Records the endpoint accepted are claimed by the dedup function: losing them in a failed S3 write loses them for
// good. A flush that meets failing writes must keep every buffer (not only the first that failed), say how many
// records are not delivered, and write them all once S3 answers again.
describe.each([
  ['buffers in memory', false],
  ['buffers spooled to files (ctr local)', true],
])('local Firehose endpoint when S3 writes fail, %s', (_, spool) => {
  let fixture: FirehoseFixture;
  let endpoint: FirehoseEndpoint;
  let firehose: FirehoseClient;
  let failing = false;
  let refused = 0;
  const bucket = 'write-failures';
  const days = ['2022-01-05', '2022-01-06', '2022-01-07'];

  beforeAll(async () => {
    fixture = await startFirehoseFixture(bucket, { backupPrefix: 'backup/' }, { spool });
    ({ endpoint, firehose } = fixture);
    addAttemptHook(fixture.s3, 'refuse-writes', {
      before: ({ command }) => {
        if (!failing || command !== 'PutObjectCommand') return undefined;
        refused += 1;
        return { statusCode: 403, body: ACCESS_DENIED };
      },
    });
  });
  afterAll(() => {
    failing = false;
    return fixture?.close();
  });

  test('a failed flush keeps every buffer and says how many records wait; the next flush writes them all', async () => {
    const records = days.map((day, n) => ({
      Data: Buffer.from(`{"InitiationTimestamp":"${day}T01:00:00Z","n":${n}}\n`),
    }));
    const out = await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'stream', Records: records }));
    expect(out.FailedPutCount).toBe(0);

    failing = true;
    const failure = await endpoint.flush().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DeliveryWriteError);
    // Three data buffers (one per day) and the backup's: each was tried, none written.
    expect(refused).toBe(4);
    expect(failure).toMatchObject({ records: 3, backupRecords: 3 });
    expect((failure as Error).message).toMatch(/could not write 3 accepted records .*Access Denied.*not delivered/);
    expect(await listKeys(fixture.s3, bucket)).toEqual([]);
    expect(endpoint.stats('stream')).toMatchObject({ recordsAccepted: 3, recordsDelivered: 0, writeFailures: 4 });

    // A record arriving before the retry joins the buffer the failed write put back.
    const late = { Data: Buffer.from(`{"InitiationTimestamp":"${days[0]}T02:00:00Z","n":3}\n`) };
    await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'stream', Records: [late] }));

    failing = false;
    await endpoint.flush();
    const keys = await listKeys(fixture.s3, bucket);
    for (const day of days) expect(keys.filter((k) => k.startsWith(`ctr/dt=${day}/`))).toHaveLength(1);
    expect(endpoint.stats('stream')).toMatchObject({ recordsDelivered: 4, recordsBackedUp: 4 });
    // Every record once in the backup (one object, or two if the hour turned between the batches).
    const backedUp: string[] = [];
    for (const key of keys.filter((k) => k.startsWith('backup/'))) {
      const object = await fixture.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      backedUp.push(
        ...gunzipSync(await object.Body!.transformToByteArray())
          .toString()
          .split('\n')
          .filter(Boolean),
      );
    }
    expect(backedUp.sort()).toEqual([...records, late].map((r) => r.Data.toString().trim()).sort());
    if (spool) expect(readdirSync(join(fixture.dir, 'spool'))).toEqual([]);
  });
});
