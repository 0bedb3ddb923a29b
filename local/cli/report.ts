import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AnalyticsError } from '../../analytics/errors';
import { type BuildReportOptions, buildReport, type ReportSource } from '../report/build-report';
import { databaseForWorkGroup } from '../sql/query-command';
import { checkSourceOptions, SOURCE_OPTIONS, timeZoneOption, UsageError } from './source-options';

/** The report file could not be written. */
export class ReportWriteError extends AnalyticsError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write the report to ${path} (${reason}): pick a writable path with --html FILE`);
  }
}

export const REPORT_HELP = `Usage: ctr report --out DIR [--html FILE] [--time-zone TZ]
       ctr report --athena --workgroup W [--database D] [--region R] [--html FILE] [--time-zone TZ]

Writes one self-contained HTML file (it opens offline: inline SVG and CSS, no script) with charts of the
named queries: daily volume by channel, service level and abandonment per 30-minute interval, handle time
by queue and by agent, the arrivals heatmap, the repeat-caller rate, abandonment by time waited and the
dedup audit. The charts are Vega-Lite specs rendered to static SVG when the report is built.
A chart whose query fails is marked missing on the page (with the reason) and the others are still drawn;
the command then prints one sentence per missing chart and exits with code 1.

Options:
  -o, --out DIR        Directory written by "ctr local --out DIR": the report runs on DuckDB over it.
      --athena         Run the queries on Amazon Athena instead (AWS credentials and region from the environment).
      --workgroup W    Athena workgroup (the stack output AthenaWorkGroupName). Required with --athena.
      --database D     Glue database. Default: derived from the workgroup ("<Stack>-ctr" -> "<stack>_ctr").
      --region R       AWS Region. Default: from the environment.
      --time-zone TZ   IANA time zone (such as Asia/Seoul) for dates, hours and intervals. Default: UTC.
                       On Athena the views use the stack's timeZone: pass the same zone.
      --html FILE      Where to write the report. Default: DIR/report.html, or ctr-report.html with --athena.
  -h, --help           Show this help.
`;

/** A report written to disk: where, and one sentence per chart that could not be drawn. */
export interface SavedReport {
  readonly path: string;
  readonly problems: readonly string[];
}

/** Builds the report and writes it to `file` (what `ctr local --report FILE` runs before its output is removed). */
export async function saveReport(
  source: ReportSource,
  file: string,
  options: BuildReportOptions = {},
): Promise<SavedReport> {
  const report = await buildReport(source, options);
  const path = resolve(file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, report.html);
  } catch (err) {
    throw new ReportWriteError(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return { path, problems: report.problems };
}

/** Prints a saved report's problems on stderr and its path on stdout; resolves to the exit code (1 when a chart is missing). */
export function announceReport(
  saved: SavedReport,
  stdout: (text: string) => void = (t) => process.stdout.write(t),
): number {
  for (const problem of saved.problems) process.stderr.write(`ctr report: ${problem}\n`);
  stdout(`Report: ${saved.path}\n`);
  return saved.problems.length > 0 ? 1 : 0;
}

/** `ctr report`: parses its options and writes the report. */
export async function reportCommand(argv: readonly string[], athenaClient?: AthenaClient): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      ...SOURCE_OPTIONS,
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  checkSourceOptions(values);
  if (values.athena && values.out) throw new UsageError('--out DIR and --athena are two different sources: give one');
  if (!values.athena && !values.out)
    throw new UsageError('--out DIR (the DIR of "ctr local --out DIR") or --athena is required');
  const timeZone = timeZoneOption(values['time-zone']);
  let source: ReportSource;
  if (values.athena) {
    const workGroup = values.workgroup!;
    const database = values.database ?? databaseForWorkGroup(workGroup);
    const client = athenaClient ?? new AthenaClient(values.region ? { region: values.region } : {});
    source = { kind: 'athena', client, options: { workGroup, database } };
  } else {
    source = { kind: 'local', out: resolve(values.out!) };
  }
  const file = values.html ?? (values.athena ? 'ctr-report.html' : resolve(values.out!, 'report.html'));
  return announceReport(await saveReport(source, file, { timeZone }));
}
