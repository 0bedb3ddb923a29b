import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLakeDir } from '../../local/firehose/lake-files';
import { LocalAnalytics, NoDeliveredDataError } from '../../local/sql/local-analytics';
import { seedRecords } from './corpus';

// ctr_latest over hand-made objects (no pipeline): ties and exact copies that slipped through.
describe('ctr_latest on versions that tie', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ctr-ties-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Writes each group of records as one Parquet object, in file-name order. */
  async function deliver(groups: object[][]) {
    for (const [i, records] of groups.entries()) {
      await writeLakeDir(
        root,
        records.map((r) => JSON.stringify(r)),
        { objectName: `object-${i}` },
      );
    }
  }

  async function latest(): Promise<Array<Record<string, unknown>>> {
    const analytics = await LocalAnalytics.open(root);
    try {
      return [...(await analytics.query(`SELECT ContactId, Attributes['Pick'] AS pick, dt FROM ctr_latest`)).rows];
    } finally {
      analytics.close();
    }
  }

  test('two versions with the same LastUpdateTimestamp: one row, the same one whatever the file order', async () => {
    const [base] = seedRecords();
    const a = { ...base, Attributes: { Pick: 'a' } };
    const b = { ...base, Attributes: { Pick: 'b' } };
    await deliver([[a], [b, a]]);
    const first = await latest();
    await rm(join(root, 'ctr'), { recursive: true });
    await deliver([[b], [a, b]]);
    const second = await latest();

    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
  });

  test('exact copies that slipped through count once', async () => {
    const records = seedRecords();
    await deliver([records, records]);
    const rows = await latest();
    expect(rows).toEqual([{ ContactId: records[0].ContactId, pick: null, dt: '2022-01-05' }]);
  });

  test('a directory without delivered CTRs is reported as such', async () => {
    await expect(LocalAnalytics.open(root)).rejects.toThrow(NoDeliveredDataError);
  });
});
