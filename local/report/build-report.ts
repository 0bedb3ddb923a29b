import type { AthenaClient } from '@aws-sdk/client-athena';
import { namedQuery } from '../../analytics/definitions';
import { checkTimeZone, DEFAULT_TIME_ZONE, withTimeZone } from '../../analytics/time-zone';
import { type AthenaQueryOptions, runAthenaQuery } from '../sql/athena-query';
import { LocalAnalytics, type QueryResult } from '../sql/local-analytics';
import { REPORT_CHARTS, type ReportChart } from './charts';
import { renderSvg } from './render-svg';
import { type RenderedChart, reportHtml } from './report-html';

/** Runs a named query by name (locally or on Athena) in the report's time zone. */
export type NamedQueryRunner = (name: string) => Promise<QueryResult>;

/** The report page and what happened to each chart. */
export interface BuiltReport {
  readonly html: string;
  readonly charts: readonly RenderedChart[];
  /** One sentence per chart that could not be drawn. */
  readonly problems: readonly string[];
}

/** Where the report's numbers come from. */
export type ReportSource =
  | { readonly kind: 'local'; readonly out: string }
  | { readonly kind: 'athena'; readonly client: AthenaClient; readonly options: AthenaQueryOptions };

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** IANA time zone for dates, hours and intervals. @default 'UTC' */
  readonly timeZone?: string;
  /** The charts to draw. @default REPORT_CHARTS */
  readonly charts?: readonly ReportChart[];
  /** Build time shown on the page. @default now */
  readonly now?: Date;
}

const sentence = (err: unknown) => ((err as Error).message ?? String(err)).replace(/\s+/g, ' ').trim();

async function drawChart(chart: ReportChart, run: NamedQueryRunner): Promise<RenderedChart> {
  try {
    const { rows } = await run(chart.query);
    if (rows.length === 0) return { chart, status: 'empty' };
    return { chart, status: 'drawn', svg: await renderSvg(chart.spec(rows)) };
  } catch (err) {
    return { chart, status: 'missing', reason: sentence(err) };
  }
}

/**
 * Builds the report: runs each chart's named query, renders the chart to SVG, and puts them on one page.
 * A chart whose query fails (or whose source cannot be opened) is marked missing with the reason; the
 * others are drawn all the same.
 */
export async function buildReport(source: ReportSource, options: BuildReportOptions = {}): Promise<BuiltReport> {
  const timeZone = checkTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  const charts = options.charts ?? REPORT_CHARTS;
  let rendered: RenderedChart[] = [];
  let label: string;
  let openError: string | undefined;
  if (source.kind === 'local') {
    label = `DuckDB over ${source.out}`;
    let analytics: LocalAnalytics | undefined;
    try {
      analytics = await LocalAnalytics.open(source.out, { timeZone });
    } catch (err) {
      openError = sentence(err);
      rendered = charts.map((chart) => ({ chart, status: 'missing' as const, reason: openError! }));
    }
    if (analytics) {
      try {
        for (const chart of charts) rendered.push(await drawChart(chart, (name) => analytics.runNamedQuery(name)));
      } finally {
        analytics.close();
      }
    }
  } else {
    label = `Athena workgroup ${source.options.workGroup}, database ${source.options.database}`;
    const run: NamedQueryRunner = (name) =>
      runAthenaQuery(source.client, withTimeZone(namedQuery(name), timeZone).sql, source.options);
    for (const chart of charts) rendered.push(await drawChart(chart, run));
  }
  // Nothing to read at all is one problem, not one per chart.
  const problems = openError
    ? [`${openError}; every chart is marked missing`]
    : rendered.flatMap((r) => (r.status === 'missing' ? [`chart "${r.chart.title}" is missing: ${r.reason}`] : []));
  const html = reportHtml(rendered, { source: label, timeZone, builtAt: (options.now ?? new Date()).toISOString() });
  return { html, charts: rendered, problems };
}
