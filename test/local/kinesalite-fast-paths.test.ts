import { request } from 'node:http';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../local/clients';
import {
  fastParseSequence,
  fastStringifySequence,
  readBodiesOnce,
  useFastSequenceNumbers,
} from '../../local/servers/kinesalite-fast-paths';
import { startKinesis } from '../../local/servers/kinesis';

// kinesalite's own codec, the reference each fast path must agree with.
type Codec = {
  parseSequence(seq: unknown): Record<string, unknown>;
  stringifySequence(obj: Record<string, unknown>): string;
  shardIxToHex(shardIx: unknown): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesaliteDb = require('kinesalite/db') as Codec;
const reference: Codec = { ...kinesaliteDb };

/** What a call gave: its value, or that it threw. */
function outcome(call: () => unknown): unknown {
  try {
    return { value: call() };
  } catch {
    return 'threw';
  }
}

// A small deterministic generator, so a failure names its case.
function* cases(count: number): Generator<Record<string, unknown>> {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const shardCreateTime = 1_500_000_000_000 + next(10 ** 9) * 1000 + next(1000);
    const seqIx = next(3) === 0 ? String(next(2 ** 30) * 2 ** 20 + next(2 ** 20)) : next(2 ** 30);
    yield {
      shardCreateTime,
      shardIx: next(60),
      seqIx,
      seqTime: shardCreateTime + next(10 ** 8),
      ...(next(5) === 0 ? { byte1: next(2) ? 'ab' : '0f' } : {}),
    };
  }
}

describe("kinesalite's sequence numbers through BigInt", () => {
  const parse = fastParseSequence(reference.parseSequence);
  const stringify = fastStringifySequence(reference);

  it('writes and reads every sequence number exactly as kinesalite does', () => {
    for (const fields of cases(5000)) {
      const written = reference.stringifySequence(fields);
      expect([fields, stringify(fields)]).toEqual([fields, written]);
      expect([written, parse(written)]).toEqual([written, reference.parseSequence(written)]);
    }
  });

  it("gives kinesalite's answer for older versions, odd fields and bad input, throwing where it throws", () => {
    const unusual: Record<string, unknown>[] = [
      { version: 0, shardCreateTime: 1_600_000_000_000, shardIx: 3, seqRand: '0123456789abcdef' },
      { version: 1, shardCreateTime: 1_600_000_000_000, shardIx: 3, seqIx: 7, seqRand: '0123456789abcd' },
      { shardCreateTime: 1_600_000_000_000, shardIx: '12', seqIx: 1 },
      { shardCreateTime: 1_600_000_000_000, shardIx: -2, seqIx: 1 },
      { shardCreateTime: 1_600_000_000_000, seqIx: 1.5 },
      { shardCreateTime: 1_600_000_000_000, seqIx: 'x' },
      { shardCreateTime: -5_000, seqIx: 0 },
      { shardCreateTime: 1_600_000_000_000 },
    ];
    for (const fields of unusual) {
      expect([fields, outcome(() => stringify(fields))]).toEqual([
        fields,
        outcome(() => reference.stringifySequence(fields)),
      ]);
      const written = outcome(() => reference.stringifySequence(fields)) as { value?: string };
      if (written.value)
        expect(outcome(() => parse(written.value))).toEqual(outcome(() => reference.parseSequence(written.value)));
    }
    for (const text of ['', 'abc', '1e5', '-5', '0', '12', '0012', ' 12', 5, undefined, `9${'9'.repeat(60)}`]) {
      expect([text, outcome(() => parse(text))]).toEqual([text, outcome(() => reference.parseSequence(text))]);
    }
  });

  it('are installed on the codec object kinesalite calls through', () => {
    const codec = { ...reference };
    useFastSequenceNumbers(codec);
    expect(codec.parseSequence).not.toBe(reference.parseSequence);
    const fields = { shardCreateTime: 1_600_000_000_000, shardIx: 1, seqIx: 42, seqTime: 1_600_000_123_000 };
    expect(codec.stringifySequence(fields)).toBe(reference.stringifySequence(fields));
  });
});

describe('readBodiesOnce on a real kinesalite', () => {
  it('serves requests of many chunks, non-ASCII ones, and refuses bodies over its 7 MiB limit as before', async () => {
    const server = await startKinesis(undefined, readBodiesOnce);
    const kinesis = localKinesisClient(server.endpoint);
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
      // About 2.7 MB of JSON: dozens of socket chunks.
      const records = Array.from({ length: 500 }, (_, i) => ({
        PartitionKey: i % 2 ? `k${i}` : `clé ☎ ${i}`,
        Data: Buffer.from(`{"i":${i},"pad":"${'x'.repeat(4000)}"}`),
      }));
      const put = await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: records }));
      expect(put.FailedRecordCount).toBe(0);
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: 's',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      expect(page.Records?.map((r) => r.PartitionKey)).toEqual(records.map((r) => r.PartitionKey));
      expect(page.Records?.map((r) => JSON.parse(Buffer.from(r.Data!).toString()).i)).toEqual(records.map((_, i) => i));

      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          `${server.endpoint}/`,
          { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end(Buffer.alloc(7 * 1024 * 1024 + 1, 0x20));
      });
      expect(status).toBe(413);
    } finally {
      kinesis.destroy();
      await server.close();
    }
  });
});
