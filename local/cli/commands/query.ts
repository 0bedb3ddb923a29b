import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { checkSourceOptions, SOURCE_OPTIONS, timeZoneOption } from '../source-options';

const QUERY_HELP = `Usage: ctr query NAME [--out DIR] [--time-zone TZ] [--json]
       ctr query NAME --athena --workgroup W [--database D] [--region R] [--time-zone TZ] [--json]
       ctr query --list [--json]

Runs a named query (analytics/queries/NAME.sql), the same SQL text the stack saves in Athena.
Locally it runs on DuckDB over the objects "ctr local --out DIR" kept, with the views created from
analytics/views/*.sql and macros giving DuckDB the Trino functions the queries use.

Options:
  -o, --out DIR        Directory written by "ctr local --out DIR". Required for a local run.
      --athena         Run on Amazon Athena instead (AWS credentials and region from the environment).
      --workgroup W    Athena workgroup (the stack output AthenaWorkGroupName). Required with --athena.
      --database D     Glue database. Default: derived from the workgroup ("<Stack>-ctr" -> "<stack>_ctr").
      --region R       AWS Region. Default: from the environment.
      --time-zone TZ   IANA time zone (such as Asia/Seoul) for dates, hours and intervals. Default: UTC.
                       On Athena the views use the stack's timeZone: pass the same zone.
      --json           Print the rows as one JSON array.
  -l, --list           List the named queries.
  -h, --help           Show this help.
`;

/** `ctr query`. */
export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      ...SOURCE_OPTIONS,
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', short: 'l', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(QUERY_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one query name expected, got ${positionals.join(' ')}`);
  const name = positionals[0];
  if (!values.list && name === undefined)
    throw new UsageError('a query NAME or --list is required ("ctr query --list" lists them)');
  checkSourceOptions(values);
  if (!values.athena && !values.list && !values.out)
    throw new UsageError('--out DIR is required (the DIR of "ctr local --out DIR")');
  // Loaded here, not at the top: it brings DuckDB, the Athena client and aws-cdk-lib.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runQueryCommand } = require('../../sql/query-command') as typeof import('../../sql/query-command');
  await runQueryCommand(
    {
      name,
      list: values.list,
      json: values.json,
      out: values.out ? resolve(values.out) : undefined,
      timeZone: timeZoneOption(values['time-zone']),
      athena: values.athena
        ? { workGroup: values.workgroup!, database: values.database, region: values.region }
        : undefined,
    },
    (text) => process.stdout.write(text),
  );
  return 0;
}
