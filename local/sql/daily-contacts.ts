import { DuckDBInstance } from '@duckdb/node-api';
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

/**
 * SQL over the delivered Parquet objects (`ctr/dt=DAY/NAME.parquet`), dt from the path, as Athena reads the table.
 * Columns come from the files, which the local Firehose wrote with the CTR schema's types; `union_by_name`
 * reads objects written before a column was added (the column is null there), as Athena's by-name reading does.
 */
export function ctrTableSql(root: string, viewName = 'ctr'): string {
  const glob = `${root.replace(/\/$/, '')}/${DELIVERY_LAYOUT.dataRoot}${DELIVERY_LAYOUT.partitionColumn}=*/*${DELIVERY_LAYOUT.dataFileExtension}`;
  return `CREATE VIEW ${viewName} AS SELECT * FROM read_parquet('${glob.replace(/'/g, "''")}', hive_partitioning = true,
    hive_types = {'${DELIVERY_LAYOUT.partitionColumn}': 'VARCHAR'}, union_by_name = true)`;
}

/** Counts distinct contacts per day in a directory laid out like the bucket (`ctr/dt=YYYY-MM-DD/*.parquet`). */
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
