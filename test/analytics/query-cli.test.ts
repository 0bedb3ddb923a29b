import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMED_QUERIES } from '../../analytics/definitions';
import { main } from '../../local/cli/main';
import { writeLakeDir } from '../../local/firehose/lake-files';
import { captureOutput } from './capture-output';
import { seedRecords } from './corpus';

// `ctr query` locally, over a directory laid out like `ctr local --out DIR` leaves it.
describe('ctr query (local)', () => {
  let root: string;
  const io = captureOutput();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ctr-query-'));
    const distinct = [...new Map(seedRecords().map((r) => [JSON.stringify(r), r])).values()];
    await writeLakeDir(
      root,
      distinct.map((r) => JSON.stringify(r)),
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('--json prints the rows as one JSON array', async () => {
    expect(await main(['query', 'dedup_audit', '--out', root, '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toEqual([
      { dt: '2022-01-05', raw_rows: 3, versions: 3, contacts: 1, rows_beyond_versions: 0 },
    ]);
  });

  test('prints a table with the query description', async () => {
    expect(await main(['query', 'handle_time_by_agent', '--out', root])).toBe(0);
    expect(io.out.split('\n').slice(0, 2)).toEqual([
      `handle_time_by_agent: ${NAMED_QUERIES.find((q) => q.name === 'handle_time_by_agent')!.description}`,
      '  agent_username  contacts  avg_handle_s  avg_talk_s  avg_hold_s  avg_acw_s',
    ]);
    expect(io.out).toMatch(/Steve\.Lusk\s+1\s+465\s+239\s+221\s+5\n/);
  });

  test('--list lists every named query, --json as an array', async () => {
    expect(await main(['query', '--list', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toEqual(NAMED_QUERIES.map((q) => ({ name: q.name, description: q.description })));
  });

  test('--time-zone counts the contact on its local date; a bad zone is a usage error', async () => {
    // The seed contact started at 2022-01-05T17:12:59Z: 6 January in Seoul, 5 January in New York.
    expect(await main(['query', 'daily_contact_volume', '--out', root, '--time-zone', 'Asia/Seoul', '--json'])).toBe(0);
    expect(JSON.parse(io.out).map((r: { contact_date: string }) => r.contact_date)).toEqual(['2022-01-06']);
    io.clear();
    expect(
      await main(['query', 'hourly_arrival_heatmap', '--out', root, '--time-zone', 'America/New_York', '--json']),
    ).toBe(0);
    expect(JSON.parse(io.out)).toEqual([{ iso_day_of_week: 3, hour_of_day: 12, contacts: 1 }]);
    expect(await main(['query', 'daily_contact_volume', '--out', root, '--time-zone', 'Asia/Seol'])).toBe(2);
    expect(io.cliErrors).toEqual([
      'ctr: --time-zone: "Asia/Seol" is not an IANA time zone name: use one such as "UTC", "Asia/Seoul" or "America/New_York". Run "ctr --help" for usage.',
    ]);
  });

  test('usage errors: no name, unknown name, no --out', async () => {
    expect(await main(['query'])).toBe(2);
    expect(await main(['query', 'dedup_audit'])).toBe(2);
    expect(io.err).toContain('--out DIR is required');
    expect(await main(['query', 'no_such_query', '--out', root])).toBe(1);
    expect(io.err).toContain('unknown query "no_such_query"');
  });
});
