/**
 * DuckDB macros that give the local engine the Trino (Athena engine v3) functions the view and query
 * files use and DuckDB lacks, with Trino's meaning, so that the `.sql` text runs unchanged on both.
 * Functions both engines share with the same meaning (`date_diff`, `date_trunc`, `hour`, `count_if`,
 * `round`, `row_number`, `||`) need none; `date_diff('second', ...)` agrees because CTR timestamps
 * have whole seconds.
 */
export interface TrinoMacro {
  /** Trino function name. */
  readonly name: string;
  /** DuckDB `CREATE MACRO` statement. */
  readonly sql: string;
}

/** The macros, each with the Trino behaviour it reproduces. */
export const TRINO_MACROS: readonly TrinoMacro[] = [
  {
    // Trino: ISO-8601 text to timestamp with time zone; DuckDB's cast reads the same text ('Z' = UTC).
    name: 'from_iso8601_timestamp',
    sql: 'CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)',
  },
  {
    // Trino: ISO day of week, 1 = Monday .. 7 = Sunday (DuckDB's dayofweek has 0 = Sunday; isodow matches).
    name: 'day_of_week',
    sql: 'CREATE MACRO day_of_week(ts) AS isodow(ts)',
  },
  {
    // Trino: JSON value to its text. DuckDB's JSON type is text already.
    name: 'json_format',
    sql: 'CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)',
  },
  {
    // Trino: map value for a key, NULL when absent (m[k] fails on a missing key in Trino, so queries use this).
    name: 'element_at',
    sql: 'CREATE MACRO element_at(m, k) AS m[k]',
  },
];
