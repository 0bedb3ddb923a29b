import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { NAMED_QUERIES } from '../../analytics/definitions';
import { withTimeZone } from '../../analytics/time-zone';
import { main } from '../../local/cli/main';
import { reportCommand } from '../../local/cli/report';
import { buildReport } from '../../local/report/build-report';
import { REPORT_CHARTS } from '../../local/report/charts';
import { LocalAnalytics } from '../../local/sql/local-analytics';
import { captureOutput } from './capture-output';
import { generateAnalyticsCorpus } from './corpus';
import { writeDeliveredDir } from './delivered-dir';
import { expectedAnswers } from './expected';

const ZONE = 'Asia/Seoul';
const corpus = generateAnalyticsCorpus(600);

/** The HTML of one figure of the page. */
function figure(html: string, id: string): string {
  const match = new RegExp(`<figure[^>]* id="${id}"[\\s\\S]*?</figure>`).exec(html);
  if (!match) throw new Error(`no figure ${id}`);
  return match[0];
}

/** The aria-labels Vega-Lite gives each drawn mark ("field: value; ..."), as objects. */
function markLabels(svg: string): Array<Record<string, string>> {
  return [
    ...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="(?:bar|rect mark)"/g),
  ].map((m) => Object.fromEntries(m[1].split('; ').map((kv) => kv.split(': ') as [string, string])));
}

describe('ctr report', () => {
  let root: string;
  const io = captureOutput();
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ctr-report-'));
    await writeDeliveredDir(join(root, 'data'), corpus.distinct);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('locally: every chart drawn as inline SVG, with the numbers computed from the input records', async () => {
    const file = join(root, 'local.html');
    expect(await main(['report', '--out', join(root, 'data'), '--time-zone', ZONE, '--html', file])).toBe(0);
    expect(io.out).toBe(`Report: ${file}\n`);
    expect(io.cliErrors).toEqual([]);
    const html = readFileSync(file, 'utf8');
    for (const chart of REPORT_CHARTS) {
      const fig = figure(html, chart.id);
      expect(fig).toContain('data-status="drawn"');
      expect(fig).toMatch(new RegExp(`<g class="mark-${chart.mark} role-mark`));
    }
    // Nothing to fetch: no script, no stylesheet or image link; the only URLs are SVG namespace names.
    expect(html).not.toMatch(/<script|<link|<img|src=|@import/);
    expect(
      [...html.matchAll(/https?:\/\/[^"\s)]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('http://www.w3.org/')),
    ).toEqual([]);

    // Daily volume: one bar per (local date, channel), its height the independent count.
    const expected = new Map<string, number>();
    for (const r of expectedAnswers(corpus.distinct, ZONE).daily_contact_volume) {
      const key = `${r.contact_date}|${r.channel}`;
      expected.set(key, (expected.get(key) ?? 0) + Number(r.contacts));
    }
    const bars = markLabels(figure(html, 'daily-volume'));
    expect(new Map(bars.map((b) => [`${b.date}|${b.channel}`, Number(b.contacts.replace(/,/g, ''))]))).toEqual(
      expected,
    );
    // Heatmap: one cell per (day, hour) the independent answer has.
    expect(markLabels(figure(html, 'hourly-heatmap'))).toHaveLength(
      expectedAnswers(corpus.distinct, ZONE).hourly_arrival_heatmap.length,
    );
  });

  test('no data under --out: one sentence, exit code 1, and the report still written with every chart marked missing', async () => {
    const empty = join(root, 'empty');
    expect(await main(['report', '--out', empty])).toBe(1);
    expect(io.cliErrors).toEqual([
      `ctr report: no delivered CTRs under ${join(empty, 'ctr')}/ (run "ctr local --input FILE --out ${empty}" first); every chart is marked missing`,
    ]);
    const html = readFileSync(join(empty, 'report.html'), 'utf8');
    expect(html.match(/data-status="missing"/g)).toHaveLength(REPORT_CHARTS.length);
    expect(html).toContain(`${REPORT_CHARTS.length} charts missing`);
  });

  test('ctr local --report FILE (what npm start runs) ends by writing the report and printing its path', async () => {
    const file = join(root, 'start', 'ctr-report.html');
    const samples = join(__dirname, '../../samples/duplicated_samples.json');
    expect(await main(['local', '--input', samples, '--report', file])).toBe(0);
    expect(io.out.trimEnd().split('\n').at(-1)).toBe(`Report: ${file}`);
    const html = readFileSync(file, 'utf8');
    // The seed's one contact: one bar of 1 contact on its date; abandonment has no rows to draw.
    expect(markLabels(figure(html, 'daily-volume'))).toEqual([{ date: '2022-01-05', contacts: '1', channel: 'VOICE' }]);
    expect(figure(html, 'abandonment-by-wait')).toContain('data-status="empty"');
    expect(html).not.toContain('data-status="missing"');
  });

  test('--help documents the command; bad options are usage errors', async () => {
    expect(await main(['report', '--help'])).toBe(0);
    expect(io.out).toMatch(/^Usage: ctr report --out DIR/);
    expect(io.out).toContain('--athena');
    expect(io.out).toContain('--time-zone TZ');
    expect(await main(['report'])).toBe(2);
    expect(await main(['report', '--athena'])).toBe(2);
    expect(await main(['report', '--out', root, '--time-zone', 'Nowhere/City'])).toBe(2);
    expect(io.err).toContain('"Nowhere/City" is not an IANA time zone name');
    expect(existsSync(join(root, 'report.html'))).toBe(false);
  });

  test('on Athena (mocked): a failing query marks its chart missing with the reason; the others are drawn', async () => {
    // Athena's answers are the local engine's rows over the same data, in Athena's result shape (every value as text).
    const local = await LocalAnalytics.open(join(root, 'data'), { timeZone: ZONE });
    const athena = mockClient(AthenaClient);
    try {
      const idOf = new Map(NAMED_QUERIES.map((q) => [withTimeZone(q, ZONE).sql, q.name]));
      athena
        .on(StartQueryExecutionCommand)
        .callsFake((input) => ({ QueryExecutionId: idOf.get(input.QueryString) ?? 'unknown' }));
      athena.on(GetQueryExecutionCommand).callsFake((input) =>
        input.QueryExecutionId === 'service_level_by_interval'
          ? {
              QueryExecution: {
                Status: {
                  State: 'FAILED',
                  StateChangeReason: "COLUMN_NOT_FOUND: line 3:3: Column 'interval_start' cannot be resolved",
                },
              },
            }
          : { QueryExecution: { Status: { State: 'SUCCEEDED' } } },
      );
      athena.on(GetQueryResultsCommand).callsFake(async (input) => {
        const { columns, rows } = await local.runNamedQuery(input.QueryExecutionId);
        const text = (v: unknown) => (v === null ? {} : { VarCharValue: String(v) });
        const type = (c: string) => (rows.some((r) => typeof r[c] === 'number') ? 'double' : 'varchar');
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Type: type(c) })) },
            Rows: [{ Data: columns.map(text) }, ...rows.map((r) => ({ Data: columns.map((c) => text(r[c])) }))],
          },
        };
      });
      const file = join(root, 'athena.html');
      expect(
        await reportCommand(
          ['--athena', '--workgroup', 'Calls-ctr', '--time-zone', ZONE, '--html', file],
          new AthenaClient({ region: 'eu-west-1' }),
        ),
      ).toBe(1);
      expect(io.cliErrors).toEqual([
        `ctr report: chart "Service level and abandonment per 30-minute interval" is missing: Athena query service_level_by_interval FAILED: COLUMN_NOT_FOUND: line 3:3: Column 'interval_start' cannot be resolved`,
      ]);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('Source: Athena workgroup Calls-ctr, database calls_ctr');
      expect(figure(html, 'service-level-by-interval')).toContain('data-status="missing"');
      expect(html.match(/data-status="drawn"/g)).toHaveLength(REPORT_CHARTS.length - 1);
      // Same rows, same chart as the local report draws.
      const localReport = await buildReport({ kind: 'local', out: join(root, 'data') }, { timeZone: ZONE });
      expect(markLabels(figure(html, 'daily-volume'))).toEqual(markLabels(figure(localReport.html, 'daily-volume')));
      for (const call of athena.commandCalls(StartQueryExecutionCommand)) {
        expect(call.args[0].input).toMatchObject({
          WorkGroup: 'Calls-ctr',
          QueryExecutionContext: { Database: 'calls_ctr' },
        });
      }
    } finally {
      athena.restore();
      local.close();
    }
  });
});
