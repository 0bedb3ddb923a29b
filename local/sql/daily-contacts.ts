import { DuckDBInstance } from '@duckdb/node-api';
import { CTR_COLUMNS, toDuckDbType } from '../../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';

/** One row of the daily-contacts table. */
export interface DailyContacts {
  /** Partition date (YYYY-MM-DD). */
  readonly dt: string;
  /** Distinct ContactIds that day. */
  readonly contacts: number;
  /** Delivered records (versions) that day. */
  readonly records: number;
}

/** DuckDB's `columns={...}` argument, rendered from the column tree the Glue table uses. */
export function duckDbColumns(): string {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `{${CTR_COLUMNS.map((c) => `${quote(c.name)}: ${quote(toDuckDbType(c.type))}`).join(', ')}}`;
}

/**
 * SQL over the delivered objects: explicit columns (auto-detection mistypes CTR fields), GZIP, dt from the path.
 * Keys match case-sensitively, as the Glue table's SerDe mappings do, so `GreetingPlayed` and `greetingPlayed`
 * stay two attributes.
 */
export function ctrTableSql(root: string, viewName = 'ctr'): string {
  const glob = `${root.replace(/\/$/, '')}/${DELIVERY_LAYOUT.dataRoot}${DELIVERY_LAYOUT.partitionColumn}=*/*.gz`;
  return `CREATE VIEW ${viewName} AS SELECT * FROM read_json('${glob.replace(/'/g, "''")}', columns = ${duckDbColumns()},
    format = 'newline_delimited', compression = 'gzip', hive_partitioning = true, hive_types = {'${DELIVERY_LAYOUT.partitionColumn}': 'VARCHAR'})`;
}

/** Counts distinct contacts per day in a directory laid out like the bucket (`ctr/dt=YYYY-MM-DD/*.gz`). */
export async function dailyContacts(root: string): Promise<DailyContacts[]> {
  // No network: DuckDB must not try to download extensions on a machine without internet.
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(ctrTableSql(root));
    const reader = await connection.runAndReadAll(
      `SELECT dt, count(DISTINCT ContactId) AS contacts, count(*) AS records FROM ctr GROUP BY dt ORDER BY dt`,
    );
    return reader.getRowObjects().map((row) => ({
      dt: String(row.dt),
      contacts: Number(row.contacts),
      records: Number(row.records),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
