// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { runLocalPipeline } from '../../local/pipeline';
import { canonical, generateCorpus } from './corpus';
import { deliveredLines, deliveredRows, filesUnder } from './delivered';
import { usePipeline } from './pipeline-fixture';

// A limit, not an assertion: whole pipeline runs, which a busy machine can slow several times over.
jest.setTimeout(600_000);

// A generated corpus of about 3,000 lines: exact copies, key-reordered copies, versions and malformed lines.
describe('local pipeline on a generated corpus', () => {
  const corpus = generateCorpus(1400);
  const pipeline = usePipeline(() => ({ shardCount: 4 }));

  test('delivers exactly the distinct valid records, byte for byte, and quarantines the malformed lines', async () => {
    const { env, outDir } = pipeline;
    expect(corpus.lines.length).toBeGreaterThan(2500);
    const summary = await runLocalPipeline(env, corpus.lines, { outDir });

    const delivered = deliveredLines(outDir);
    // No copies: as many lines as distinct canonical records, and the same set.
    expect(delivered).toHaveLength(corpus.expected.size);
    expect(new Set(delivered.map((d) => canonical(JSON.parse(d.line))))).toEqual(corpus.expected);
    // Byte for byte: each delivered line (the source-record backup) is one of the input lines of its record.
    for (const { line } of delivered) {
      expect(corpus.linesByCanonical.get(canonical(JSON.parse(line)))?.has(line)).toBe(true);
    }
    // The Parquet table: one row per distinct record, each in the partition of its contact date.
    const rows = await deliveredRows(outDir);
    expect(rows).toHaveLength(corpus.expected.size);
    expect(rows.filter((r) => r.dt !== String(r.InitiationTimestamp).slice(0, 10))).toEqual([]);
    const versions = (list: Array<{ ContactId: string; LastUpdateTimestamp: string }>) =>
      list.map((r) => `${r.ContactId} ${r.LastUpdateTimestamp}`).sort();
    expect(versions(rows as never)).toEqual(versions(delivered.map((d) => JSON.parse(d.line))));

    expect(summary.sent).toBe(corpus.lines.length);
    expect(summary.delivered).toBe(corpus.expected.size);
    expect(summary.quarantined).toBe(corpus.malformed);
    expect(filesUnder(outDir).filter((k) => k.startsWith('quarantine/'))).toHaveLength(corpus.malformed);
    expect(summary.failedRecords).toBe(0);
    expect(summary.duplicatesDropped).toBe(corpus.lines.length - corpus.expected.size - corpus.malformed);
    expect(summary.dailyContacts.map((d) => [d.dt, d.contacts])).toEqual([...corpus.contactsPerDay].sort());
  });

  test('delivers nothing new when the same corpus is sent again', async () => {
    const { env, outDir } = pipeline;
    const summary = await runLocalPipeline(env, corpus.lines, { outDir, sql: false });

    expect(summary.forwarded).toBe(0);
    expect(summary.delivered).toBe(0);
    expect(summary.objectsWritten.ctr).toBe(0);
    expect(deliveredLines(outDir)).toHaveLength(corpus.expected.size);
  });
});
