// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMED_QUERIES, VIEWS } from '../../analytics/definitions';
import { CTR_COLUMNS, toDuckDbType, type ColumnType } from '../../lib/ctr-schema';
import { startLocalEnvironment } from '../../local/environment';
import { runLocalPipeline } from '../../local/pipeline';
import { LocalAnalytics } from '../../local/sql/local-analytics';
import { generateAnalyticsCorpus, seedRecords, type Ctr } from './corpus';
import { differences, expectedAnswers, latestPerContact } from './expected';

// One pipeline run over a generated corpus (plus the seed's samples), shared by every query test: the
// answers are computed from the input records in plain TypeScript, never from the pipeline's output.
const CONTACTS = 1200;

describe('named queries on the local pipeline output', () => {
  const corpus = generateAnalyticsCorpus(CONTACTS);
  let outDir: string;
  let analytics: LocalAnalytics;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ctr-analytics-'));
    const env = await startLocalEnvironment({ shardCount: 2 });
    try {
      const summary = await runLocalPipeline(env, corpus.lines, { outDir, sql: false });
      expect(summary.delivered).toBe(corpus.distinct.length);
    } finally {
      await env.stop();
    }
    analytics = await LocalAnalytics.open(outDir);
  }, 600_000); // A limit, not an assertion: a whole pipeline run, which a busy machine can slow several times over.
  afterAll(async () => {
    analytics?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  test('the corpus exercises what the queries measure: versions, copies, abandons, transfers, holds', () => {
    const latest = latestPerContact(corpus.distinct);
    expect(corpus.lines.length).toBeGreaterThan(corpus.distinct.length);
    expect(corpus.distinct.length - latest.length).toBeGreaterThan(100);
    expect(latest.filter((r) => r.Queue && !r.Agent).length).toBeGreaterThan(30);
    expect(latest.filter((r) => r.TransferCompletedTimestamp).length).toBeGreaterThan(30);
    expect(latest.filter((r) => r.Agent?.NumberOfHolds > 0).length).toBeGreaterThan(30);
  });

  const expected = expectedAnswers(generateAnalyticsCorpus(CONTACTS).distinct);
  test.each(NAMED_QUERIES.map((q) => q.name))('%s equals the answer computed from the input records', async (name) => {
    expect(expected[name]).toBeDefined();
    const { rows } = await analytics.runNamedQuery(name);
    expect(rows.length).toBeGreaterThan(0);
    expect(differences(rows, expected[name])).toEqual([]);
  });

  test('ctr_latest has exactly one row per contact, its newest version', async () => {
    const latest = latestPerContact(corpus.distinct);
    const { rows } = await analytics.query('SELECT ContactId, LastUpdateTimestamp FROM ctr_latest ORDER BY ContactId');
    expect(rows).toEqual(
      latest
        .map((r) => ({ ContactId: r.ContactId, LastUpdateTimestamp: r.LastUpdateTimestamp }))
        .sort((a, b) => (a.ContactId < b.ContactId ? -1 : 1)),
    );
  });

  test("the seed's three cases are one contact, and case 3 is the version ctr_latest returns", async () => {
    const seed = seedRecords();
    const contactId = seed[0].ContactId;
    const raw = await analytics.query(`SELECT count(*) AS n FROM contact_trace_records WHERE ContactId = '${contactId}'`);
    expect(raw.rows).toEqual([{ n: 3 }]);
    const { rows } = await analytics.query(`SELECT to_json(t) AS j FROM ctr_latest AS t WHERE ContactId = '${contactId}'`);
    expect(rows).toHaveLength(1);
    const case3 = seed.find((r) => 'GreetingPlayed' in r.Attributes)!;
    // Every schema column reads back as delivered, both case-differing attribute keys included.
    expect(JSON.parse(String(rows[0].j))).toEqual({ ...project(case3, CTR_COLUMNS), dt: '2022-01-05' });
    expect(case3.Attributes).toMatchObject({ GreetingPlayed: 'false', greetingPlayed: 'false' });
  });

  test.each(VIEWS.map((v) => v.name))('view %s yields exactly the columns and types it declares to Glue', async (name) => {
    const view = VIEWS.find((v) => v.name === name)!;
    // DESCRIBE quotes only the field names that need it: compare without quotes.
    const unquoted = (cols: Array<{ name: string; type: string }>) => cols.map((c) => ({ ...c, type: c.type.replace(/"/g, '') }));
    expect(unquoted(await analytics.describe(name))).toEqual(
      unquoted(view.columns.map((c) => ({ name: c.name, type: toDuckDbType(c.type) }))),
    );
  });
});

/** The record as the schema reads it: every schema field (null when absent), nothing else. */
function project(value: any, fields: readonly { name: string; type: ColumnType }[]): Ctr {
  const out: Ctr = {};
  for (const f of fields) out[f.name] = projectValue(value?.[f.name], f.type);
  return out;
}

function projectValue(value: any, type: ColumnType): unknown {
  if (value === undefined || value === null) return null;
  if (typeof type === 'string') return value;
  if ('struct' in type) return project(value, type.struct);
  if ('array' in type) return (value as unknown[]).map((v) => projectValue(v, type.array));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, projectValue(v, type.map)]));
}
