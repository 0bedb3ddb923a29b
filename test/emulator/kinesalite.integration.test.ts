/**
 * The emulator handler against a real in-process Kinesis (kinesalite) over HTTP, through the real SDK client
 * built from the default chain (AWS_ENDPOINT_URL_KINESIS), exactly as the Lambda builds it.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type _Record,
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type SendResult, sendRecords } from '../../lambda-emulator/src/sendRecords';
import samples from '../../samples/duplicated_samples.json';

// kinesalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite: (options: {
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
}) => Server = require('kinesalite');

const STREAM = 'ctr-emulator-it';
const ENV_KEYS = [
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'STREAM_NAME',
] as const;

let server: Server;
let reader: KinesisClient;
let handler: (event: unknown) => Promise<SendResult>;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

/** Every record in the stream, per shard, in sequence order. */
async function readStream(): Promise<Map<string, _Record[]>> {
  const shards = (await reader.send(new ListShardsCommand({ StreamName: STREAM }))).Shards ?? [];
  const byShard = new Map<string, _Record[]>();
  for (const shard of shards) {
    let iterator = (
      await reader.send(
        new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    const records: _Record[] = [];
    while (iterator) {
      const page = await reader.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
    byShard.set(shard.ShardId!, records);
  }
  return byShard;
}

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    STREAM_NAME: STREAM,
  });

  reader = new KinesisClient({ requestHandler: new NodeHttpHandler() });
  await reader.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
  await waitUntilStreamExists({ client: reader, maxWaitTime: 30, minDelay: 1 }, { StreamName: STREAM });

  jest.isolateModules(() => {
    handler = require('../../lambda-emulator/src/index').handler;
  });
});

afterAll(async () => {
  reader?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

describe('emulator handler with kinesalite', () => {
  test('puts the 6 duplicated samples byte for byte, keyed by ContactId, in order, then raw strings as-is', async () => {
    expect(await handler(samples)).toEqual({ sent: 6, failed: [] });
    const raw = ' {"ContactId": "raw-1",  "Note": "Zoë ✓"}\n';
    const notJson = 'definitely { not json';
    expect(await handler({ records: [raw, notJson] })).toEqual({ sent: 2, failed: [] });

    const byShard = await readStream();
    const all = [...byShard.values()].flat();
    expect(all).toHaveLength(8);

    const contact = all.filter((r) => r.PartitionKey === samples[0].ContactId);
    expect(contact.map((r) => Buffer.from(r.Data!).toString('utf8'))).toEqual(samples.map((s) => JSON.stringify(s)));
    // One partition key, one shard: sequence order is the input order.
    expect(
      new Set(
        [...byShard.entries()]
          .filter(([, rs]) => rs.some((r) => r.PartitionKey === samples[0].ContactId))
          .map(([id]) => id),
      ).size,
    ).toBe(1);

    const rawRecord = all.find((r) => r.PartitionKey === 'raw-1');
    expect(Buffer.from(rawRecord!.Data!).equals(Buffer.from(raw, 'utf8'))).toBe(true);
    const hashed = all.find((r) => Buffer.from(r.Data!).toString('utf8') === notJson);
    expect(hashed!.PartitionKey).toMatch(/^[0-9a-f]{64}$/);
  });

  test('reports every record by index with the exception name when the stream does not exist', async () => {
    const result = await sendRecords(reader, 'no-such-stream', [{ ContactId: 'a' }, 'b', { ContactId: 'c' }]);
    expect(result.sent).toBe(0);
    expect(result.failed.map((f) => [f.index, f.errorCode])).toEqual([
      [0, 'ResourceNotFoundException'],
      [1, 'ResourceNotFoundException'],
      [2, 'ResourceNotFoundException'],
    ]);
    expect(result.failed[0].errorMessage).toContain('no-such-stream');
  });
});
