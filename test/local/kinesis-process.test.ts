import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../local/clients';
import {
  KINESIS_PROCESS_HEAP_MB,
  KINESIS_PROCESS_SEMI_SPACE_MB,
  startKinesisProcess,
} from '../../local/servers/kinesis';
import { childProcess } from './child-process';

describe('kinesalite in a process of its own', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ctr-kinesis-process-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the Kinesis API from its data directory until closed', async () => {
    const server = await startKinesisProcess(join(dir, 'stream-data'));
    const kinesis = localKinesisClient(server.endpoint);
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
      const put = await kinesis.send(
        new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: Buffer.from('{"a":1}') }),
      );
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({ StreamName: 's', ShardId: put.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      expect(page.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(['{"a":1}']);
      // Its malloc, libuv and V8 settings (docs/scale.md), read from the running process.
      const child = childProcess('kinesis-process');
      expect(child.env).toMatchObject({ MALLOC_ARENA_MAX: '1', UV_THREADPOOL_SIZE: '2' });
      expect(child.argv).toEqual(
        expect.arrayContaining([
          `--max-old-space-size=${KINESIS_PROCESS_HEAP_MB}`,
          `--max-semi-space-size=${KINESIS_PROCESS_SEMI_SPACE_MB}`,
        ]),
      );
    } finally {
      kinesis.destroy();
      await server.close();
    }
    // Closed means the process is gone: nothing answers on its port any more.
    const after = localKinesisClient(server.endpoint);
    await expect(after.send(new CreateStreamCommand({ StreamName: 't', ShardCount: 1 }))).rejects.toThrow(
      /ECONNREFUSED|connect/,
    );
    after.destroy();
  });
});
