// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMED_QUERIES, VIEWS } from '../../analytics/definitions';
import { type ColumnType, CTR_COLUMNS, toDuckDbType } from '../../lib/definitions/ctr-schema';
import { startLocalEnvironment } from '../../local/environment';
import { runLocalPipeline } from '../../local/pipeline';
import { LocalAnalytics } from '../../local/sql/local-analytics';
import { type Ctr, generateAnalyticsCorpus, seedRecords } from './corpus';
import { differences, expectedAnswers, latestPerContact, type Row } from './expected';

// One pipeline run over a generated corpus (plus the seed's samples), shared by every query test: the
// answers are computed from the input records in plain TypeScript, never from the pipeline's output.
const CONTACTS = 1200;
// UTC, a zone ahead of it with no daylight saving, and one behind it whose clocks change within the corpus.
const ZONES = ['Asia/Seoul', 'America/New_York'] as const;

describe('named queries on the local pipeline output', () => {
  const corpus = generateAnalyticsCorpus(CONTACTS);
  let outDir: string;
  let analytics: LocalAnalytics;
  const zoned = new Map<string, LocalAnalytics>();

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
    for (const zone of ZONES) zoned.set(zone, await LocalAnalytics.open(outDir, { timeZone: zone }));
  }, 600_000); // A limit, not an assertion: a whole pipeline run, which a busy machine can slow several times over.
  afterAll(async () => {
    analytics?.close();
    for (const each of zoned.values()) each.close();
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
  test.each(NAMED_QUERIES.map((q) => q.name))(
    '%s equals the answer computed from the input records (default zone, UTC)',
    async (name) => {
      expect(expected[name]).toBeDefined();
      const { rows } = await analytics.runNamedQuery(name);
      expect(rows.length).toBeGreaterThan(0);
      expect(differences(rows, expected[name])).toEqual([]);
    },
  );

  const byZone = Object.fromEntries(
    ZONES.map((zone) => [zone, expectedAnswers(generateAnalyticsCorpus(CONTACTS).distinct, zone)]),
  );
  test.each(ZONES.flatMap((zone) => NAMED_QUERIES.map((q) => [zone, q.name] as const)))(
    'in %s, %s equals the answer computed with Intl.DateTimeFormat',
    async (zone, name) => {
      const { rows } = await zoned.get(zone)!.runNamedQuery(name);
      expect(rows.length).toBeGreaterThan(0);
      expect(differences(rows, byZone[zone][name])).toEqual([]);
    },
  );

  test('local dates move with the zone: Seoul counts early-morning UTC contacts on the next day', () => {
    const days = (rows: Row[]) => rows.map((r) => r.contact_date);
    expect(new Set(days(byZone['Asia/Seoul'].daily_contact_volume))).toContain('2022-01-10');
    expect(new Set(days(expected.daily_contact_volume))).not.toContain('2022-01-10');
  });

  test("New York's clock changes: two 01:30 intervals on 6 November, none from 02:00 to 03:00 on 13 March", async () => {
    const { rows } = await zoned.get('America/New_York')!.runNamedQuery('service_level_by_interval');
    const edge = rows.filter((r) => r.queue_name === 'Edge');
    expect(edge.filter((r) => r.interval_start === '2022-11-06 01:30').map((r) => r.interval_start_utc)).toEqual([
      '2022-11-06 05:30',
      '2022-11-06 06:30',
    ]);
    expect(rows.filter((r) => /^2022-03-13 02:/.test(String(r.interval_start)))).toEqual([]);
    expect(edge.filter((r) => String(r.interval_start).startsWith('2022-03-13')).map((r) => r.interval_start)).toEqual([
      '2022-03-13 01:30',
      '2022-03-13 03:00',
    ]);
  });

  test('the 23- and 25-hour days count every contact of their local day', async () => {
    const { rows } = await zoned.get('America/New_York')!.query(
      `SELECT contact_date, count(*) AS n, min(initiation_ts) AS first_utc, max(initiation_ts) AS last_utc FROM ctr_typed
       WHERE contact_date IN (DATE '2022-03-13', DATE '2022-11-06') GROUP BY contact_date ORDER BY contact_date`,
    );
    const latest = latestPerContact(corpus.distinct).map((r) => Date.parse(r.InitiationTimestamp));
    // Local midnights in UTC: 13 March 05:00Z to 14 March 04:00Z (23 h); 6 November 04:00Z to 7 November 05:00Z (25 h).
    const inSpan = (from: string, to: string) =>
      latest.filter((t) => t >= Date.parse(from) && t < Date.parse(to)).length;
    expect(rows.map((r) => [String(r.contact_date), r.n])).toEqual([
      ['2022-03-13', inSpan('2022-03-13T05:00:00Z', '2022-03-14T04:00:00Z')],
      ['2022-11-06', inSpan('2022-11-06T04:00:00Z', '2022-11-07T05:00:00Z')],
    ]);
    expect(String(rows[1].last_utc) >= '2022-11-07 04:00:00').toBe(true);
  });

  test('a local date lies in its own UTC partition or a neighbour, so a local-date filter reads at most three partitions', async () => {
    for (const zone of ['Asia/Seoul', 'America/New_York']) {
      const { rows } = await zoned
        .get(zone)!
        .query(`SELECT count(*) AS far FROM ctr_typed WHERE abs(date_diff('day', contact_date, CAST(dt AS date))) > 1`);
      expect(rows).toEqual([{ far: 0 }]);
    }
  });

  test('the corpus has repeat callers inside and outside both windows, and transfer chains of 3 and more', () => {
    const repeats = expected.repeat_callers;
    const sum = (k: string) => repeats.reduce((s, r) => s + Number(r[k]), 0);
    expect(sum('repeated_within_24h')).toBeGreaterThan(20);
    expect(sum('repeated_within_7d') - sum('repeated_within_24h')).toBeGreaterThan(20);
    expect(sum('contacts') - sum('repeated_within_7d')).toBeGreaterThan(20);
    const chains = expected.transfer_chains;
    expect(
      chains.filter((r) => Number(r.journey_contacts) >= 3).reduce((s, r) => s + Number(r.journeys), 0),
    ).toBeGreaterThan(5);
  });

  test('repeat windows are inclusive: again after exactly 24 h and 7 d counts, one second later does not', async () => {
    const edge = (await analytics.runNamedQuery('repeat_callers')).rows.filter((r) => r.queue_name === 'Edge');
    // 5 Jan: edges 1 (24 h, in), 3 (24 h + 1 s, out of 24 h, in 7 d), 9 (no repeat) -> 24 h: 1, 7 d: 2 of 3.
    expect(edge.find((r) => r.contact_date === '2022-01-05')).toMatchObject({
      contacts: 3,
      repeated_within_24h: 1,
      repeated_within_7d: 2,
    });
    // 13 Mar: edges 5 (exactly 7 d, in) and 11 (no repeat); 6 Nov: 7 (7 d + 1 s, out) and 10.
    expect(edge.find((r) => r.contact_date === '2022-03-13')).toMatchObject({
      contacts: 2,
      repeated_within_24h: 0,
      repeated_within_7d: 1,
    });
    expect(edge.find((r) => r.contact_date === '2022-11-06')).toMatchObject({ contacts: 2, repeated_within_7d: 0 });
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
    const raw = await analytics.query(
      `SELECT count(*) AS n FROM contact_trace_records WHERE ContactId = '${contactId}'`,
    );
    expect(raw.rows).toEqual([{ n: 3 }]);
    const { rows } = await analytics.query(
      `SELECT to_json(t) AS j FROM ctr_latest AS t WHERE ContactId = '${contactId}'`,
    );
    expect(rows).toHaveLength(1);
    const case3 = seed.find((r) => 'GreetingPlayed' in r.Attributes)!;
    // Every schema column reads back as delivered, both case-differing attribute keys included.
    expect(JSON.parse(String(rows[0].j))).toEqual({ ...project(case3, CTR_COLUMNS), dt: '2022-01-05' });
    expect(case3.Attributes).toMatchObject({ GreetingPlayed: 'false', greetingPlayed: 'false' });
  });

  test.each(VIEWS.map((v) => v.name))(
    'view %s yields exactly the columns and types it declares to Glue',
    async (name) => {
      const view = VIEWS.find((v) => v.name === name)!;
      // DESCRIBE quotes only the field names that need it: compare without quotes.
      const unquoted = (cols: Array<{ name: string; type: string }>) =>
        cols.map((c) => ({ ...c, type: c.type.replace(/"/g, '') }));
      expect(unquoted(await analytics.describe(name))).toEqual(
        unquoted(view.columns.map((c) => ({ name: c.name, type: toDuckDbType(c.type) }))),
      );
    },
  );
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
