import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMED_QUERIES, RAW_TABLE_NAME, VIEWS } from '../../analytics/definitions';
import { DOCTOR_PROBE_ATTRIBUTE, DOCTOR_PROBE_CONTACT_PREFIX, NOT_A_DOCTOR_PROBE } from '../../analytics/doctor-probe';
import { probeBatch } from '../../local/doctor/probes';
import { writeLakeDir } from '../../local/firehose/lake-files';
import { LocalAnalytics } from '../../local/sql/local-analytics';
import { type Ctr, generateAnalyticsCorpus } from '../analytics/corpus';

// The doctor's synthetic contacts never count: every view and named query gives the same answer over a corpus
// with probe contacts mixed in as over the corpus alone.

/** Writes records as the data bucket holds them (`ctr/dt=DAY/*.parquet`). */
async function writeBucket(records: readonly Ctr[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ctr-probes-'));
  await writeLakeDir(
    root,
    records.map((r) => JSON.stringify(r)),
  );
  return root;
}

describe('doctor probe contacts are excluded from every view and named query', () => {
  // One contact without attributes: the exclusion must keep it (element_at over a NULL map is NULL).
  const corpus = [
    ...generateAnalyticsCorpus(300, 5).distinct,
    { ...generateAnalyticsCorpus(1, 6).distinct[0], ContactId: 'no-attributes', Attributes: null },
  ];
  const runId = 'doctor-test-run';
  // Probes shaped like real contacts (every queue, agent, day, abandon and transfer kind the corpus has), so any
  // query that let them in would change its answer, plus the doctor's own probe records.
  const probes: Ctr[] = [
    ...corpus
      .filter((_, i) => i % 3 === 0)
      .map((r, i) => ({
        ...r,
        ContactId: `${DOCTOR_PROBE_CONTACT_PREFIX}${i}`,
        Attributes: { ...r.Attributes, [DOCTOR_PROBE_ATTRIBUTE]: runId },
      })),
    ...probeBatch({ runId, now: new Date('2022-01-05T12:00:00Z') }).records,
  ];
  let plain: { root: string; analytics: LocalAnalytics };
  let mixed: { root: string; analytics: LocalAnalytics };
  beforeAll(async () => {
    const open = async (records: Ctr[]) => {
      const root = await writeBucket(records);
      return { root, analytics: await LocalAnalytics.open(root) };
    };
    plain = await open(corpus);
    mixed = await open([...corpus, ...probes]);
  });
  afterAll(async () => {
    for (const side of [plain, mixed]) {
      side?.analytics.close();
      if (side) await rm(side.root, { recursive: true, force: true });
    }
  });

  test('the probes are in the raw table (the comparison below can fail)', async () => {
    const count = async (side: typeof plain) =>
      (await side.analytics.query(`SELECT count(*) AS n FROM ${RAW_TABLE_NAME}`)).rows[0].n;
    expect(Number(await count(mixed)) - Number(await count(plain))).toBe(probes.length);
  });

  test('a contact without attributes is kept', async () => {
    const { rows } = await mixed.analytics.query(
      `SELECT count(*) AS n FROM ctr_typed WHERE contact_id = 'no-attributes'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  test.each(VIEWS.map((v) => v.name))('view %s: same rows with and without probes', async (name) => {
    const all = `SELECT * FROM ${name} ORDER BY ALL`;
    const [a, b] = await Promise.all([plain.analytics.query(all), mixed.analytics.query(all)]);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(b.rows).toEqual(a.rows);
  });

  test.each(NAMED_QUERIES.map((q) => q.name))('named query %s: same answer with and without probes', async (name) => {
    const [a, b] = await Promise.all([plain.analytics.runNamedQuery(name), mixed.analytics.runNamedQuery(name)]);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(b.rows).toEqual(a.rows);
  });

  test('each view, and every named query that reads the raw table, spells the exclusion itself', () => {
    for (const view of VIEWS) expect(view.sql).toContain(NOT_A_DOCTOR_PROBE);
    for (const q of NAMED_QUERIES) {
      if (new RegExp(`\\b${RAW_TABLE_NAME}\\b`).test(q.sql)) expect(q.sql).toContain(NOT_A_DOCTOR_PROBE);
      else expect(q.sql).toMatch(/\bctr_typed\b|\bctr_latest\b/);
    }
  });
});
