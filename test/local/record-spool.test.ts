import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DeliveryStream } from '../../local/firehose/delivery';
import { DeliveryWriteError } from '../../local/firehose/errors';
import { FileSpool, MemorySpool } from '../../local/firehose/record-spool';

// The Firehose endpoint of `ctr local` keeps its buffers in spool files: what goes in must come back whole,
// in order, whatever the sizes and however the writes were grouped.
describe('FileSpool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-spool-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = (i: number) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat((i * 7919) % 5000)}"}\n`);

  test('gives back every record in order, written or still pending, as often as asked', () => {
    const spool = new FileSpool(dir);
    const sent = Array.from({ length: 1500 }, (_, i) => record(i));
    sent.push(Buffer.alloc(600 * 1024, 0x61)); // larger than one write's batch
    sent.push(record(1500)); // pending, not yet in the file
    for (const r of sent) spool.append(r);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(spool.count).toBe(sent.length);
    expect(spool.bytes).toBe(sent.reduce((n, r) => n + r.length, 0));
    for (let round = 0; round < 2; round++) {
      const back = spool.records();
      expect(back).toHaveLength(sent.length);
      expect(back.every((r, i) => r.equals(sent[i]))).toBe(true);
    }
    spool.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a spool of few records never touches the disk', () => {
    const spool = new FileSpool(dir);
    spool.append(record(1));
    expect(spool.records().map(String)).toEqual([record(1).toString()]);
    expect(readdirSync(dir)).toEqual([]);
    spool.discard();
  });

  test('two spools in one directory keep their own records', () => {
    const a = new FileSpool(dir);
    const b = new FileSpool(dir);
    for (let i = 0; i < 400; i++) (i % 2 ? a : b).append(record(i));
    expect(a.records().every((r) => JSON.parse(r.toString()).n % 2 === 1)).toBe(true);
    expect(b.records().every((r) => JSON.parse(r.toString()).n % 2 === 0)).toBe(true);
    a.discard();
    b.discard();
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
  });
});

describe('MemorySpool', () => {
  test('the records it gave back stay whole after it is discarded', () => {
    const spool = new MemorySpool();
    spool.append(Buffer.from('a'));
    spool.append(Buffer.from('b'));
    const back = spool.records();
    spool.discard();
    expect(back.map(String)).toEqual(['a', 'b']);
    expect(spool.count).toBe(0);
  });
});

// A write that fails while a record of the same key arrives: the failed records go back before the new one,
// and the error counts the records of the failed write, in memory and in spool files alike.
describe.each([
  ['in memory', false],
  ['in spool files', true],
])('DeliveryStream, a record arriving during a failed write (%s)', (_, spooled) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-spool-stream-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing is lost, the order is kept and the error counts what the failed write held', async () => {
    const s3 = new S3Client({ region: 'us-east-1' });
    const mock = mockClient(s3);
    const stream = new DeliveryStream(
      {
        name: 'stream',
        bucketName: 'bucket',
        prefix: 'ctr/dt=!{partitionKeyFromQuery:dt}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        partitionQueries: { dt: '.d' },
        bufferIntervalMs: 60_000,
      },
      s3,
      spooled ? dir : undefined,
    );
    const line = (n: number) => Buffer.from(`{"d":"2022-01-05","n":${n}}\n`);
    const bodies: Buffer[] = [];
    let calls = 0;
    mock.on(PutObjectCommand).callsFake(async (input: { Body: Buffer }) => {
      calls += 1;
      if (calls === 1) {
        stream.accept(line(3), new Date());
        throw new Error('Access Denied');
      }
      bodies.push(gunzipSync(input.Body));
      return {};
    });
    stream.accept(line(1), new Date());
    stream.accept(line(2), new Date());

    const failure = await stream.flushAll().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(DeliveryWriteError);
    expect(failure).toMatchObject({ records: 2, backupRecords: 0 });

    await stream.flushAll();
    expect(bodies.map(String)).toEqual([`${line(1)}${line(2)}${line(3)}`]);
    expect(stream.stats).toMatchObject({ recordsAccepted: 3, recordsDelivered: 3, writeFailures: 1 });
    expect(readdirSync(dir)).toEqual([]);
    mock.restore();
  });
});
