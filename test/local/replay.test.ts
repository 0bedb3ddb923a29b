process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { exportObjects, listKeys } from '../../local/bucket';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/environment';
import { readRecords } from '../../local/input';
import { replayRecords, shardsFor } from '../../local/replay/replay';
import { s3Sources } from '../../local/replay/s3-sources';
import { streamFromStack } from '../../local/replay/stack-stream';
import { verifyDelivery } from '../../local/verify';
import { generateCorpus } from './corpus';

const toBuffers = (lines: string[]) => lines.map((l) => Buffer.from(l));
async function* iterate(records: Buffer[]): AsyncGenerator<Buffer> {
  yield* records;
}

// `ctr replay` for real into the local stream: the local pipeline behind it must deliver exactly.
describe('replay into the local stream', () => {
  let env: LocalEnvironment;
  let dir: string;
  beforeAll(async () => {
    env = await startLocalEnvironment();
    dir = mkdtempSync(join(tmpdir(), 'ctr-replay-'));
  });
  afterAll(async () => {
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lets the local event source mapping and Firehose deliver what is in the stream, and exports the bucket. */
  async function deliver(out: string) {
    await env.mapping.drain();
    await env.firehose.flush();
    await exportObjects(
      env.clients.s3,
      env.names.bucketName,
      await listKeys(env.clients.s3, env.names.bucketName),
      out,
    );
  }

  test('resumes from its checkpoint without resending, and the pipeline delivers every distinct record once', async () => {
    const corpus = generateCorpus(400, 17);
    const records = toBuffers(corpus.lines);
    const checkpoint = { path: join(dir, 'checkpoint.json'), key: 'corpus-400' };
    const abort = new AbortController();
    const first = await replayRecords({
      kinesis: env.clients.kinesis,
      streamName: env.names.streamName,
      records: iterate(records),
      checkpoint,
      batchRecords: 100,
      signal: abort.signal,
      // Interrupted after the second batch, as Ctrl-C would.
      onBatch: (s) => s.records >= 200 && abort.abort(),
    });
    expect(first).toMatchObject({ interrupted: true, records: 200, sent: 200, skipped: 0 });
    expect(JSON.parse(readFileSync(checkpoint.path, 'utf8'))).toEqual({
      key: 'corpus-400',
      recordsDone: 200,
      complete: false,
    });

    const second = await replayRecords({
      kinesis: env.clients.kinesis,
      streamName: env.names.streamName,
      records: iterate(records),
      checkpoint,
      batchRecords: 100,
    });
    expect(second).toMatchObject({
      interrupted: false,
      records: records.length,
      skipped: 200,
      sent: records.length - 200,
    });
    expect(JSON.parse(readFileSync(checkpoint.path, 'utf8'))).toMatchObject({
      recordsDone: records.length,
      complete: true,
    });

    const out = join(dir, 'out-corpus');
    const readBefore = env.mapping.stats.recordsRead;
    await deliver(out);
    // Each input record entered the stream exactly once.
    expect(env.mapping.stats.recordsRead - readBefore).toBe(records.length);
    expect(verifyDelivery(records, out)).toMatchObject({
      ok: true,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      expectedDistinct: corpus.expected.size,
    });

    // Run again: the complete checkpoint sends nothing.
    const third = await replayRecords({
      kinesis: env.clients.kinesis,
      streamName: env.names.streamName,
      records: iterate(records),
      checkpoint,
    });
    expect(third).toMatchObject({ sent: 0, skipped: records.length });
  });

  test('migrates the original demo lake from an S3 prefix: gzipped objects of CTRs concatenated with no newline', async () => {
    const corpus = generateCorpus(60, 23);
    const valid = corpus.lines.filter((l) => l.startsWith('{') && l.endsWith('}'));
    // Firehose objects as the demo wrote them: records back to back, no delimiter, some gzipped.
    const objects = [valid.slice(0, 30).join(''), valid.slice(30).join('')];
    await env.clients.s3.send(
      new PutObjectCommand({ Bucket: env.names.bucketName, Key: 'legacy/2022/01/05/a', Body: gzipSync(objects[0]) }),
    );
    await env.clients.s3.send(
      new PutObjectCommand({ Bucket: env.names.bucketName, Key: 'legacy/2022/01/06/b', Body: objects[1] }),
    );

    const sources = await s3Sources(env.clients.s3, `s3://${env.names.bucketName}/legacy/`);
    expect(sources.map((s) => s.name)).toEqual([
      `s3://${env.names.bucketName}/legacy/2022/01/05/a`,
      `s3://${env.names.bucketName}/legacy/2022/01/06/b`,
    ]);
    const summary = await replayRecords({
      kinesis: env.clients.kinesis,
      streamName: env.names.streamName,
      records: readRecords(sources),
    });
    expect(summary).toMatchObject({ records: valid.length, sent: valid.length, tooLarge: 0 });

    const out = join(dir, 'out-lake');
    await deliver(out);
    // Verified against everything replayed into this stream so far (the first test's corpus too).
    const everything = [...toBuffers(generateCorpus(400, 17).lines), ...toBuffers(valid)];
    expect(verifyDelivery(everything, out)).toMatchObject({ ok: true, lost: 0, duplicated: 0, unexpected: 0 });
  });

  test('dry run: counts records and bytes, skips records over 1 MiB, and sends nothing', async () => {
    const huge = Buffer.from(JSON.stringify({ ContactId: 'huge', blob: 'x'.repeat(1024 * 1024) }));
    const records = [...toBuffers(generateCorpus(20, 3).lines), huge];
    const kinesis = mockClient(KinesisClient);
    try {
      const summary = await replayRecords({
        kinesis: new KinesisClient({ region: 'us-east-1' }),
        streamName: 's',
        records: iterate(records),
        dryRun: true,
        rate: 2500,
      });
      expect(kinesis.calls()).toHaveLength(0);
      expect(summary).toMatchObject({
        records: records.length,
        sent: 0,
        tooLarge: 1,
        tooLargeIndexes: [records.length - 1],
      });
      // Partition key: the ContactId, or a SHA-256 hex (64 characters) for a line that is not a CTR.
      const keyBytes = (r: Buffer) => {
        try {
          return Buffer.byteLength((JSON.parse(r.toString()) as { ContactId: string }).ContactId);
        } catch {
          return 64;
        }
      };
      const expectedBytes = records.slice(0, -1).reduce((n, r) => n + r.length + keyBytes(r), 0);
      expect(summary.bytes).toBe(expectedBytes);
      expect(summary.shardsNeeded).toEqual({
        shards: shardsFor(2500, summary.bytes / (records.length - 1)),
        atRecordsPerSecond: 2500,
      });
    } finally {
      kinesis.restore();
    }
  });
});

describe('replay, AWS-only parts (mocked)', () => {
  test('shards: 1,000 records or 1 MiB a second per shard (Kinesis Data Streams quotas)', () => {
    expect(shardsFor(1000, 100)).toBe(1);
    expect(shardsFor(2500, 100)).toBe(3);
    expect(shardsFor(1000, 3 * 1024)).toBe(3);
  });

  test("finds the stream from the stack's StreamName output (DescribeStacks), and says what to do when it cannot", async () => {
    const cfn = mockClient(CloudFormationClient);
    try {
      cfn.on(DescribeStacksCommand, { StackName: 'CallCenterAnalytics' }).resolves({
        Stacks: [
          {
            StackName: 'CallCenterAnalytics',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [{ OutputKey: 'StreamName', OutputValue: 'ctr-stream-abc' }],
          },
        ],
      });
      // DescribeStacks on a missing stack: a ValidationError "Stack with id X does not exist" (CloudFormation API reference).
      cfn
        .on(DescribeStacksCommand, { StackName: 'Nope' })
        .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
      cfn.on(DescribeStacksCommand, { StackName: 'Other' }).resolves({
        Stacks: [{ StackName: 'Other', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
      });
      const client = new CloudFormationClient({ region: 'eu-west-1' });
      expect(await streamFromStack(client, 'CallCenterAnalytics')).toBe('ctr-stream-abc');
      await expect(streamFromStack(client, 'Nope')).rejects.toThrow(
        /stack "Nope" does not exist .* give --stream NAME/,
      );
      await expect(streamFromStack(client, 'Other')).rejects.toThrow(/no StreamName output/);
    } finally {
      cfn.restore();
    }
  });

  test('stops when a batch cannot be sent, leaving the checkpoint before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctr-replay-fail-'));
    const kinesis = mockClient(KinesisClient);
    try {
      // PutRecords partial failure: failed entries carry ErrorCode instead of SequenceNumber (Kinesis API reference).
      let calls = 0;
      kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => {
        calls += 1;
        return calls === 1
          ? {
              FailedRecordCount: 0,
              Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
            }
          : {
              FailedRecordCount: input.Records.length,
              Records: input.Records.map(() => ({
                ErrorCode: 'ProvisionedThroughputExceededException',
                ErrorMessage: 'Rate exceeded',
              })),
            };
      });
      const records = toBuffers(generateCorpus(20, 4).lines).slice(0, 20);
      const checkpoint = { path: join(dir, 'cp.json'), key: 'k' };
      await expect(
        replayRecords({
          kinesis: new KinesisClient({ region: 'us-east-1' }),
          streamName: 's',
          records: iterate(records),
          checkpoint,
          batchRecords: 10,
          sendOptions: { sleep: async () => undefined, maxAttempts: 2 },
        }),
      ).rejects.toThrow(
        /10 of 10 records of a batch could not be put into the stream \(ProvisionedThroughputExceededException, after retries\): run the same command again to resume from input record 10/,
      );
      expect(JSON.parse(readFileSync(checkpoint.path, 'utf8'))).toMatchObject({ recordsDone: 10, complete: false });
      expect(existsSync(`${checkpoint.path}.tmp`)).toBe(false);
    } finally {
      kinesis.restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
