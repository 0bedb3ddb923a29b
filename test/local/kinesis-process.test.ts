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
import { startKinesisProcess } from '../../local/servers/kinesis';

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
