// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readInputFile } from '../../local/input';
import { runLocalPipeline } from '../../local/pipeline';
import { deliveredLines, deliveredRows, filesUnder } from './delivered';
import { usePipeline } from './pipeline-fixture';

// The samples end to end on real local servers: 6 records, 3 distinct, 1 contact.
describe('local pipeline on samples/duplicated_samples.json', () => {
  const samplesPath = join(__dirname, '../../samples/duplicated_samples.json');
  const pipeline = usePipeline();

  test('delivers the 3 distinct records once each, byte for byte, and counts 1 contact', async () => {
    const { env, outDir } = pipeline;
    const records = await readInputFile(samplesPath);
    const summary = await runLocalPipeline(env, records, { outDir });

    expect(summary).toMatchObject({
      recordsIn: 6,
      sent: 6,
      forwarded: 3,
      delivered: 3,
      duplicatesDropped: 3,
      quarantined: 0,
      failedRecords: 0,
      firehoseErrors: 0,
    });
    expect(summary.dailyContacts).toEqual([{ dt: '2022-01-05', contacts: 1, records: 3 }]);

    // Independent expectation: the distinct compact-JSON lines of the input file.
    const input = JSON.parse(await readFile(samplesPath, 'utf8')) as unknown[];
    const expected = [...new Set(input.map((r) => JSON.stringify(r)))].sort();
    const delivered = deliveredLines(outDir);
    expect(delivered.map((d) => d.line).sort()).toEqual(expected);
    const rows = await deliveredRows(outDir);
    expect(rows.map((r) => r.LastUpdateTimestamp).sort()).toEqual(
      input
        .map((r: any) => r.LastUpdateTimestamp)
        .filter((t, i, all) => all.indexOf(t) === i)
        .sort(),
    );
    expect(new Set(rows.map((r) => r.dt))).toEqual(new Set(['2022-01-05']));
    const keys = filesUnder(outDir);
    const name = '\\d{4}(-\\d\\d){5}-[0-9a-f-]{36}';
    expect(
      keys
        .filter((k) => k.startsWith('ctr/'))
        .every((k) => new RegExp(`^ctr/dt=2022-01-05/ctr-delivery-1-${name}\\.parquet$`).test(k)),
    ).toBe(true);
    expect(
      keys
        .filter((k) => k.startsWith('backup/'))
        .every((k) => new RegExp(`^backup/dt=\\d{4}-\\d\\d-\\d\\d/ctr-delivery-1-${name}\\.gz$`).test(k)),
    ).toBe(true);
    expect(keys.every((k) => k.startsWith('ctr/') || k.startsWith('backup/'))).toBe(true);
  });

  test('delivers nothing new when the same input is run again against the same state', async () => {
    const { env, outDir } = pipeline;
    const records = await readInputFile(samplesPath);
    const objectsBefore = filesUnder(outDir);
    const summary = await runLocalPipeline(env, records, { outDir });

    expect(summary).toMatchObject({ sent: 6, forwarded: 0, delivered: 0, duplicatesDropped: 6 });
    expect(summary.objectsWritten.ctr).toBe(0);
    expect(filesUnder(outDir)).toEqual(objectsBefore);
    expect(deliveredLines(outDir)).toHaveLength(3);
  });
});
