import type { TopLevelSpec } from 'vega-lite';
import type { CellValue } from '../sql/local-analytics';

type Rows = ReadonlyArray<Record<string, CellValue>>;

/** One chart of the report: the named query it draws and how (a Vega-Lite spec over the query's rows). */
export interface ReportChart {
  /** Stable id (the figure's HTML id). */
  readonly id: string;
  readonly title: string;
  /** What the reader sees, in one line under the title. */
  readonly caption: string;
  /** The named query (analytics/queries/NAME.sql) whose rows the chart draws. */
  readonly query: string;
  /** Vega mark type the chart must contain once rendered (the browser test checks it). */
  readonly mark: 'rect' | 'line' | 'symbol';
  /** The Vega-Lite spec for the rows. */
  spec(rows: Rows): TopLevelSpec;
}

const WIDTH = 380;
const base = (rows: Rows) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  width: WIDTH,
  height: 220,
  config: { legend: { labelLimit: 200 } },
  // Rows are copied: Vega adds its own fields to the objects it is given.
  data: { values: rows.map((r) => ({ ...r })) },
});

const handleTime = (id: string, title: string, query: string, field: string): ReportChart => ({
  id,
  title,
  caption: 'Average handle time of answered contacts, split into talk, customer hold and after-contact work (seconds).',
  query,
  mark: 'rect',
  spec: (rows) => ({
    ...base(rows),
    // Narrower: queue and agent names take room on the left.
    width: WIDTH - 80,
    transform: [
      { fold: ['avg_talk_s', 'avg_hold_s', 'avg_acw_s'], as: ['part', 'seconds'] },
      {
        calculate: "{avg_talk_s: 'talk', avg_hold_s: 'hold', avg_acw_s: 'after-contact work'}[datum.part]",
        as: 'part',
      },
    ],
    mark: 'bar',
    encoding: {
      y: { field, type: 'nominal', title: null },
      x: { field: 'seconds', type: 'quantitative', aggregate: 'sum', title: 'seconds' },
      color: { field: 'part', type: 'nominal', title: null, sort: ['talk', 'hold', 'after-contact work'] },
    },
  }),
});

/** What {@link rateLines} draws: per x value, 100 * sum(rate field) / sum(total field), one line a rate. */
interface RateLines {
  /** The x field (ordinal); `calculate` derives it from the row first. */
  readonly x: { readonly field: string; readonly title: string; readonly calculate?: string };
  readonly total: string;
  /** Line name to the count field it divides by the total. */
  readonly rates: Readonly<Record<string, string>>;
  readonly yTitle: string;
}

/** Percent lines over summed counts: rates are summed before dividing, so each x value weighs its rows by their totals. */
function rateLines(rows: Rows, { x, total, rates, yTitle }: RateLines): TopLevelSpec {
  const names = Object.keys(rates);
  return {
    ...base(rows),
    transform: [
      ...(x.calculate ? [{ calculate: x.calculate, as: x.field }] : []),
      {
        aggregate: [total, ...Object.values(rates)].map((field) => ({ op: 'sum' as const, field, as: field })),
        groupby: [x.field],
      },
      ...names.map((name) => ({ calculate: `100 * datum['${rates[name]}'] / datum['${total}']`, as: name })),
      { fold: names, as: ['measure', 'pct'] as [string, string] },
    ],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: x.field, type: 'ordinal', title: x.title, axis: { labelAngle: -90 } },
      y: { field: 'pct', type: 'quantitative', title: yTitle, scale: { domain: [0, 100] } },
      color: { field: 'measure', type: 'nominal', title: null },
    },
  };
}

/** The report's charts, in page order. */
export const REPORT_CHARTS: readonly ReportChart[] = [
  {
    id: 'daily-volume',
    title: 'Daily contact volume by channel',
    caption: 'Contacts per day (each contact once, in its latest version), by channel.',
    query: 'daily_contact_volume',
    mark: 'rect',
    spec: (rows) => ({
      ...base(rows),
      mark: 'bar',
      encoding: {
        x: { field: 'contact_date', type: 'ordinal', title: 'date' },
        y: { field: 'contacts', type: 'quantitative', aggregate: 'sum', title: 'contacts' },
        color: { field: 'channel', type: 'nominal' },
      },
    }),
  },
  {
    id: 'service-level-by-interval',
    title: 'Service level and abandonment per 30-minute interval',
    caption:
      'All days and queues: share of queued contacts answered within 20 s, and share abandoned, by interval of arrival.',
    query: 'service_level_by_interval',
    mark: 'line',
    spec: (rows) =>
      rateLines(rows, {
        x: {
          field: 'interval',
          title: 'interval start (local time)',
          calculate: 'substring(datum.interval_start, 11, 16)',
        },
        total: 'queued',
        rates: { 'service level (20 s)': 'answered_within_20s', abandonment: 'abandoned' },
        yTitle: '% of queued contacts',
      }),
  },
  handleTime('handle-time-by-queue', 'Handle time by queue', 'handle_time_by_queue', 'queue_name'),
  handleTime('handle-time-by-agent', 'Handle time by agent', 'handle_time_by_agent', 'agent_username'),
  {
    id: 'hourly-heatmap',
    title: 'Arrivals by day of week and hour',
    caption: "Contacts by ISO day of week and hour of arrival in the contact center's time zone.",
    query: 'hourly_arrival_heatmap',
    mark: 'rect',
    spec: (rows) => ({
      ...base(rows),
      height: 160,
      transform: [{ calculate: "['Mon','Tue','Wed','Thu','Fri','Sat','Sun'][datum.iso_day_of_week - 1]", as: 'day' }],
      mark: 'rect',
      encoding: {
        x: {
          field: 'hour_of_day',
          type: 'ordinal',
          title: 'hour',
          scale: { domain: Array.from({ length: 24 }, (_, h) => h) },
        },
        y: {
          field: 'day',
          type: 'ordinal',
          title: null,
          scale: { domain: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] },
        },
        color: { field: 'contacts', type: 'quantitative', scale: { scheme: 'blues' } },
      },
    }),
  },
  {
    id: 'repeat-callers',
    title: 'Repeat-caller rate',
    caption:
      'Inbound contacts whose caller contacted again within 24 hours and within 7 days, by day (100 minus this is first-contact resolution).',
    query: 'repeat_callers',
    mark: 'line',
    spec: (rows) =>
      rateLines(rows, {
        x: { field: 'contact_date', title: 'date' },
        total: 'contacts',
        rates: { 'within 24 h': 'repeated_within_24h', 'within 7 days': 'repeated_within_7d' },
        yTitle: '% of inbound contacts',
      }),
  },
  {
    id: 'abandonment-by-wait',
    title: 'Abandoned contacts by time waited',
    caption: 'How long callers waited in queue before they hung up, all queues.',
    query: 'abandonment_by_wait',
    mark: 'rect',
    spec: (rows) => ({
      ...base(rows),
      mark: 'bar',
      encoding: {
        x: {
          field: 'wait_bucket',
          type: 'ordinal',
          title: 'waited',
          sort: { field: 'wait_bucket_start_s', op: 'min' },
        },
        y: { field: 'abandoned', type: 'quantitative', aggregate: 'sum', title: 'abandoned contacts' },
      },
    }),
  },
  {
    id: 'dedup-audit',
    title: 'Dedup audit',
    caption:
      'Per contact date: rows delivered, distinct versions and distinct contacts (rows above versions would be copies that got through).',
    query: 'dedup_audit_over_time',
    mark: 'rect',
    spec: (rows) => ({
      ...base(rows),
      transform: [{ fold: ['raw_rows', 'versions', 'contacts'], as: ['count', 'value'] }],
      mark: 'bar',
      encoding: {
        x: { field: 'contact_date', type: 'ordinal', title: 'date' },
        xOffset: { field: 'count', sort: ['raw_rows', 'versions', 'contacts'] },
        y: { field: 'value', type: 'quantitative', title: 'rows' },
        color: { field: 'count', type: 'nominal', title: null, sort: ['raw_rows', 'versions', 'contacts'] },
      },
    }),
  },
];
