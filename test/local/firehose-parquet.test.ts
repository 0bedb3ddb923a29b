import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { CTR_COLUMNS, toDuckDbType } from '../../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { getObjectBytes, listKeys } from '../../local/bucket';
import type { FirehoseEndpoint } from '../../local/firehose/endpoint';
import { type FirehoseFixture, startFirehoseFixture } from './firehose-fixture';

const samples = ['case1.json', 'case2.json', 'case3.json'].map((f) => join(__dirname, '..', '..', 'samples', f));

/** Rows and column types of one Parquet object, read back with DuckDB. */
async function readParquet(
  bytes: Buffer,
  dir: string,
  sql = 'SELECT * FROM p',
): Promise<{ rows: Record<string, unknown>[]; types: string[]; names: string[]; codecs: string[] }> {
  const file = join(dir, `read-${Math.random().toString(36).slice(2)}.parquet`);
  await writeFile(file, bytes);
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE VIEW p AS SELECT * FROM read_parquet('${file}')`);
    const described = (await connection.runAndReadAll('DESCRIBE p')).getRowObjects();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const codecs = (
      await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)
    ).getRowObjects();
    return {
      rows,
      codecs: codecs.map((r) => String(r.compression)),
      names: described.map((r) => String(r.column_name)),
      types: described.map((r) => String(r.column_type)),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// The Firehose endpoint in the stack's mode: record format conversion to Parquet plus the source-record backup.
describe('local Firehose endpoint with Parquet conversion and backup', () => {
  let fixture: FirehoseFixture;
  let dir: string;
  let s3: S3Client;
  let endpoint: FirehoseEndpoint;
  let firehose: FirehoseClient;
  const bucket = 'parquet-bucket';

  beforeAll(async () => {
    fixture = await startFirehoseFixture(bucket, { parquet: true, backupPrefix: DELIVERY_LAYOUT.backupPrefix });
    ({ dir, s3, endpoint, firehose } = fixture);
  });
  afterAll(() => fixture?.close());

  it('writes one Parquet object per partition with the schema columns, keys matched exactly, and backs up every record', async () => {
    const lines = await Promise.all(samples.map(async (f) => JSON.stringify(JSON.parse(await readFile(f, 'utf8')))));
    // A field the schema does not name, and a record whose number field holds text (not convertible).
    const extra = JSON.stringify({
      ...JSON.parse(lines[0]),
      ContactId: 'extra-field',
      NewConnectField: 'kept only in the backup',
    });
    const wrongType = JSON.stringify({
      ...JSON.parse(lines[0]),
      ContactId: 'wrong-type',
      AgentConnectionAttempts: 'many',
    });
    const all = [...lines, extra, wrongType];
    const out = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'stream',
        Records: all.map((l) => ({ Data: Buffer.from(`${l}\n`) })),
      }),
    );
    expect(out.FailedPutCount).toBe(0);
    await endpoint.flush();

    const keys = await listKeys(s3, bucket);
    const parquet = keys.filter((k) => k.startsWith('ctr/'));
    expect(parquet).toHaveLength(1);
    expect(parquet[0]).toMatch(/^ctr\/dt=2022-01-05\/stream-1-\d{4}(-\d\d){5}-[0-9a-f-]{36}\.parquet$/);
    const { rows, names, types, codecs } = await readParquet(await getObjectBytes(s3, bucket, parquet[0]), dir);
    // Pages compressed with the codec the stack's conversion uses.
    expect(codecs).toEqual([DELIVERY_LAYOUT.parquetCompression]);
    // The columns and types of the Glue table, in its order; nothing else.
    expect(names).toEqual(CTR_COLUMNS.map((c) => c.name));
    const unquoted = (type: string) => type.replace(/"/g, '');
    expect(types.map(unquoted)).toEqual(CTR_COLUMNS.map((c) => unquoted(toDuckDbType(c.type))));
    expect(rows.map((r) => r.ContactId).sort()).toEqual(
      [...lines.map((l) => JSON.parse(l).ContactId), 'extra-field'].sort(),
    );
    // Keys that differ only in case stay two map entries (case-sensitive matching).
    const case3 = JSON.parse(lines[2]);
    const case3Row = rows.find((r) => r.LastUpdateTimestamp === case3.LastUpdateTimestamp)!;
    const attributeKeys = case3Row.Attributes as Array<{ key: string }> | Record<string, string>;
    const keysOf = Array.isArray(attributeKeys) ? attributeKeys.map((e) => e.key) : Object.keys(attributeKeys);
    expect(keysOf.sort()).toEqual(Object.keys(case3.Attributes).sort());
    expect((case3Row.CustomerEndpoint as { Address: string }).Address).toBe(case3.CustomerEndpoint.Address);

    // The record that does not fit the schema goes to format-conversion-failed/, with its bytes.
    const failed = keys.filter((k) => k.startsWith('firehose-errors/format-conversion-failed/'));
    expect(failed).toHaveLength(1);
    const documents = gunzipSync(await getObjectBytes(s3, bucket, failed[0]))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(documents).toHaveLength(1);
    expect(Buffer.from(documents[0].rawData, 'base64').toString()).toBe(`${wrongType}\n`);
    expect(endpoint.stats('stream')).toMatchObject({
      recordsDelivered: 4,
      recordsFailedConversion: 1,
      recordsBackedUp: 5,
    });

    // The backup: every record as sent, GZIP JSON lines, by arrival date.
    const backup = keys.filter((k) => k.startsWith('backup/'));
    expect(backup).toHaveLength(1);
    expect(backup[0]).toMatch(/^backup\/dt=\d{4}-\d\d-\d\d\/stream-1-.*\.gz$/);
    expect(gunzipSync(await getObjectBytes(s3, bucket, backup[0])).toString()).toBe(all.map((l) => `${l}\n`).join(''));
  });
});
