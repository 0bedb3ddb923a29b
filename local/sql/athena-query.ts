import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  paginateGetQueryResults,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { AnalyticsError, AthenaQueryFailedError } from '../../analytics/errors';
import type { CellValue, QueryResult } from './local-analytics';

/** Where and how to run a query on Athena. */
export interface AthenaQueryOptions {
  /** Workgroup (it enforces the result location and encryption). */
  readonly workGroup: string;
  /** Glue database the query's table and view names resolve in. */
  readonly database: string;
  /** Pause between status checks. @default 1000 ms */
  readonly pollIntervalMs?: number;
  /** Give up (and stop the query) after this long. @default 300000 ms */
  readonly timeoutMs?: number;
  /** Waits between polls (injectable so tests do not wait). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The query did not finish within `timeoutMs`; it was asked to stop. */
export class AthenaQueryTimeoutError extends AnalyticsError {
  constructor(
    readonly queryExecutionId: string,
    readonly timeoutMs: number,
  ) {
    super(`Athena query ${queryExecutionId} did not finish within ${timeoutMs} ms; stopped`);
  }
}

const NUMERIC = new Set(['tinyint', 'smallint', 'integer', 'bigint', 'real', 'double', 'float', 'decimal']);

/** Athena returns every value as text: numbers and booleans back to their JSON types, by column type. */
function toCell(text: string | undefined, column: ColumnInfo): CellValue {
  if (text === undefined) return null;
  const type = (column.Type ?? 'varchar').toLowerCase();
  if (NUMERIC.has(type)) return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

/**
 * Runs one query on Athena and returns its rows: StartQueryExecution, GetQueryExecution until it
 * finishes, then every page of GetQueryResults. The SDK has no waiter for Athena query executions, hence
 * the hand-written polling loop.
 */
export async function runAthenaQuery(
  client: AthenaClient,
  sql: string,
  options: AthenaQueryOptions,
): Promise<QueryResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: options.workGroup,
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: options.database },
    }),
  );
  const id = started.QueryExecutionId!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      throw new AthenaQueryFailedError(id, state, QueryExecution?.Status?.StateChangeReason);
    }
    if (Date.now() >= deadline) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      throw new AthenaQueryTimeoutError(id, timeoutMs);
    }
    await sleep(options.pollIntervalMs ?? 1000);
  }

  let columns: ColumnInfo[] = [];
  const rows: Array<Record<string, CellValue>> = [];
  let first = true;
  for await (const page of paginateGetQueryResults({ client }, { QueryExecutionId: id })) {
    const data = page.ResultSet?.Rows ?? [];
    if (first) {
      columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      // For a SELECT, the first row of the first page repeats the column names.
      data.shift();
      first = false;
    }
    for (const row of data) {
      rows.push(Object.fromEntries(columns.map((c, i) => [c.Name!, toCell(row.Data?.[i]?.VarCharValue, c)])));
    }
  }
  return { columns: columns.map((c) => c.Name!), rows };
}
