import { AthenaClient } from '@aws-sdk/client-athena';
import { NAMED_QUERIES, namedQuery } from '../../analytics/definitions';
import { AnalyticsError } from '../../analytics/errors';
import { DEFAULT_TIME_ZONE, withTimeZone } from '../../analytics/time-zone';
import { catalogNames } from '../../lib/definitions/catalog-names';
import { formatTable } from '../cli/format';
import { runAthenaQuery } from './athena-query';
import { LocalAnalytics, type QueryResult } from './local-analytics';

/** What `ctr query` was asked to do (parsed and checked by the CLI). */
export interface QueryCommandOptions {
  /** Named query to run; absent with `list`. */
  readonly name?: string;
  /** List the named queries instead of running one. */
  readonly list: boolean;
  /** Print one JSON array (of rows, or of queries with `list`). */
  readonly json: boolean;
  /** Directory written by `ctr local --out DIR` (local run). */
  readonly out?: string;
  /** IANA time zone for dates, hours and intervals. @default 'UTC' */
  readonly timeZone?: string;
  /** Run on Athena instead of locally. */
  readonly athena?: { readonly workGroup: string; readonly database?: string; readonly region?: string };
}

/** `--athena` without `--database` and a workgroup name the stack did not derive. */
export class DatabaseNotDerivableError extends AnalyticsError {
  constructor(readonly workGroup: string) {
    super(`cannot derive the database from workgroup "${workGroup}" (not "<stack>-ctr"): pass --database`);
  }
}

/** The stack's database for one of its workgroups (`<Stack>-ctr` -> `<stack>_ctr`). */
export function databaseForWorkGroup(workGroup: string): string {
  const match = /^(.+)-ctr$/.exec(workGroup);
  if (!match) throw new DatabaseNotDerivableError(workGroup);
  return catalogNames(match[1]).databaseName;
}

/** Runs `ctr query`: writes its output with `write`; the Athena client is injectable for tests. */
export async function runQueryCommand(
  options: QueryCommandOptions,
  write: (text: string) => void,
  athenaClient?: AthenaClient,
): Promise<void> {
  if (options.list) {
    const list = NAMED_QUERIES.map((q) => ({ name: q.name, description: q.description }));
    if (options.json) write(`${JSON.stringify(list)}\n`);
    else {
      const width = Math.max(...list.map((q) => q.name.length));
      write(`${list.map((q) => `${q.name.padEnd(width)}  ${q.description}`).join('\n')}\n`);
    }
    return;
  }
  const query = namedQuery(options.name!);
  let result: QueryResult;
  if (options.athena) {
    const { workGroup, region } = options.athena;
    const database = options.athena.database ?? databaseForWorkGroup(workGroup);
    const client = athenaClient ?? new AthenaClient(region ? { region } : {});
    result = await runAthenaQuery(client, withTimeZone(query, options.timeZone ?? DEFAULT_TIME_ZONE).sql, {
      workGroup,
      database,
    });
  } else {
    const analytics = await LocalAnalytics.open(options.out!, { timeZone: options.timeZone });
    try {
      result = await analytics.runNamedQuery(query.name);
    } finally {
      analytics.close();
    }
  }
  write(
    options.json ? `${JSON.stringify(result.rows)}\n` : `${query.name}: ${query.description}\n${formatTable(result)}\n`,
  );
}
