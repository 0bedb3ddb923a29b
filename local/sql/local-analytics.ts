import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { namedQuery, RAW_TABLE_NAME, VIEWS } from '../../analytics/definitions';
import { AnalyticsError } from '../../analytics/errors';
import { checkTimeZone, DEFAULT_TIME_ZONE, withTimeZone } from '../../analytics/time-zone';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { ctrTableSql } from './daily-contacts';
import { TRINO_MACROS } from './trino-compat';

/** A scalar as printed and compared: numbers (DuckDB's BIGINT and HUGEINT included), text, booleans or null. */
export type CellValue = string | number | boolean | null;

/** Rows of one query, with the column names in SELECT order. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Record<string, CellValue>>;
}

/** The directory holds no delivered CTRs (`ctr/dt=.../*.parquet`). */
export class NoDeliveredDataError extends AnalyticsError {
  constructor(readonly root: string) {
    super(
      `no delivered CTRs under ${join(root, DELIVERY_LAYOUT.dataRoot)} (run "ctr local --input FILE --out ${root}" first)`,
    );
  }
}

/** DuckDB values as JSON-friendly scalars: integers as numbers, dates and timestamps as their text. */
function toCell(value: DuckDBValue): CellValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

/**
 * Athena's catalog on this machine: DuckDB over a directory laid out like the data bucket (the `--out DIR`
 * of `ctr local`), with the raw table, the Trino compatibility macros and the views created from the
 * same `.sql` files the stack deploys.
 *
 * @example
 * const analytics = await LocalAnalytics.open(outDir);
 * try { console.log((await analytics.runNamedQuery('daily_contact_volume')).rows); } finally { analytics.close(); }
 */
export class LocalAnalytics {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The IANA time zone the views and named queries count dates, hours and intervals in. */
    readonly timeZone: string,
    /** DuckDB's spill directory, when it has a memory limit. */
    private readonly spillDir?: string,
  ) {}

  /**
   * Opens an in-memory DuckDB over `root`; throws {@link NoDeliveredDataError} when it has no CTR objects.
   * `timeZone` (default UTC) goes into the views and named queries; DuckDB's bundled ICU extension does
   * the conversions (the session itself stays in UTC, as Athena's does).
   */
  static async open(
    root: string,
    options: {
      readonly timeZone?: string;
      /** SQL that creates the raw table over `root` (the benchmark's GZIP JSON baseline). @default ctrTableSql (Parquet) */
      readonly tableSql?: (root: string, name: string) => string;
      /**
       * DuckDB's memory limit (e.g. `'300MB'`); past it, DuckDB spills to a temporary directory removed on close.
       * It also runs on one thread and does not keep insertion order (results without ORDER BY come in any order).
       * The views keep every contact's versions to pick the latest, so a big lake otherwise takes gigabytes.
       * @default DuckDB's own (80% of the machine's memory), no spilling
       */
      readonly memoryLimit?: string;
    } = {},
  ): Promise<LocalAnalytics> {
    const timeZone = checkTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
    if (!existsSync(join(root, DELIVERY_LAYOUT.dataRoot))) throw new NoDeliveredDataError(root);
    // No network: DuckDB must not try to download extensions on a machine without internet.
    const spillDir = options.memoryLimit ? mkdtempSync(join(tmpdir(), 'ctr-duckdb-')) : undefined;
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      // One thread and no insertion order (every named query has ORDER BY): the settings DuckDB's guide gives
      // for staying under a memory limit; with two threads the latest-version window failed at 300 MB.
      ...(spillDir
        ? {
            memory_limit: options.memoryLimit!,
            temp_directory: spillDir,
            threads: '1',
            preserve_insertion_order: 'false',
          }
        : {}),
    }).catch((err: unknown) => {
      if (spillDir) rmSync(spillDir, { recursive: true, force: true });
      throw err;
    });
    const connection = await instance.connect();
    const analytics = new LocalAnalytics(instance, connection, timeZone, spillDir);
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      for (const macro of TRINO_MACROS) await connection.run(macro.sql);
      await connection.run((options.tableSql ?? ctrTableSql)(root, RAW_TABLE_NAME));
      for (const view of VIEWS) await connection.run(`CREATE VIEW ${view.name} AS ${withTimeZone(view, timeZone).sql}`);
      return analytics;
    } catch (err) {
      analytics.close();
      if (/No files found/i.test((err as Error).message)) throw new NoDeliveredDataError(root);
      throw err;
    }
  }

  /** Runs one SELECT and returns its rows. */
  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRows().map((row) => Object.fromEntries(columns.map((c, i) => [c, toCell(row[i])])));
    return { columns, rows };
  }

  /** Runs the named query `name` (see `analytics/queries/`). */
  async runNamedQuery(name: string): Promise<QueryResult> {
    return this.query(withTimeZone(namedQuery(name), this.timeZone).sql);
  }

  /** Column names and DuckDB types of a table or view, in order. */
  async describe(relation: string): Promise<Array<{ name: string; type: string }>> {
    const { rows } = await this.query(`DESCRIBE ${relation}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  /** Releases the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
  }
}

/** Opens {@link LocalAnalytics} over `root`, runs one named query and closes it. */
export async function runLocalNamedQuery(
  root: string,
  name: string,
  timeZone?: string,
  memoryLimit?: string,
): Promise<QueryResult> {
  const analytics = await LocalAnalytics.open(root, { timeZone, memoryLimit });
  try {
    return await analytics.runNamedQuery(name);
  } finally {
    analytics.close();
  }
}
