import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CTR_COLUMNS, toDuckDbType } from '../../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';

/** DuckDB's `columns={...}` argument, rendered from the column tree the Glue table uses. */
export function duckDbColumns(): string {
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return `{${CTR_COLUMNS.map((c) => `${quote(c.name)}: ${quote(toDuckDbType(c.type))}`).join(', ')}}`;
}

const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One record the conversion refused, and why (Firehose writes these to `format-conversion-failed/`). */
export interface ConversionFailure {
  readonly record: Buffer;
  readonly message: string;
}

/** What one conversion produced: a Parquet object (null when no record converted) and the refused records. */
export interface ConversionResult {
  readonly parquet: Buffer | null;
  readonly rows: number;
  readonly failures: readonly ConversionFailure[];
}

/**
 * Firehose's record format conversion, played locally: JSON records to one Parquet object (pages compressed
 * as the stack's, `DELIVERY_LAYOUT.parquetCompression`) with the
 * CTR schema's columns (`CTR_COLUMNS`, as the Glue table). The JSON-to-column rules are the deployed ones:
 * keys matched exactly (case-sensitive, the spelling the conversion's key mappings give), fields the schema
 * does not name dropped, a missing field null. A batch that fails is retried record by record, so only
 * the records that cannot be read are refused, as Firehose refuses them one by one.
 *
 * Columns keep the JSON spelling (`ContactId`); Firehose names them as Glue does (`contactid`). Both
 * engines match column names case-insensitively, so the views read either.
 *
 * DuckDB does the work (it reads JSON with explicit column types and writes Parquet); hand-written only
 * around it, because no npm package emulates Firehose.
 */
export class ParquetConverter {
  private connection?: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection; dir: string }>;
  private sequence = 0;

  /** Converts the records (each one JSON object, with or without its newline). */
  async convert(records: readonly Buffer[]): Promise<ConversionResult> {
    if (records.length === 0) return { parquet: null, rows: 0, failures: [] };
    try {
      return { parquet: await this.write(records), rows: records.length, failures: [] };
    } catch (err) {
      if (records.length === 1)
        return { parquet: null, rows: 0, failures: [{ record: records[0], message: conversionMessage(err) }] };
    }
    const good: Buffer[] = [];
    const failures: ConversionFailure[] = [];
    for (const record of records) {
      try {
        await this.write([record]);
        good.push(record);
      } catch (err) {
        failures.push({ record, message: conversionMessage(err) });
      }
    }
    return { parquet: good.length > 0 ? await this.write(good) : null, rows: good.length, failures };
  }

  /** Releases DuckDB and the scratch directory. */
  async close(): Promise<void> {
    const opened = this.connection;
    this.connection = undefined;
    if (!opened) return;
    const { instance, connection, dir } = await opened;
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }

  private open() {
    this.connection ??= (async () => {
      // No network: DuckDB must not try to download extensions on a machine without internet.
      const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      return { instance, connection, dir: await mkdtemp(join(tmpdir(), 'ctr-parquet-')) };
    })();
    return this.connection;
  }

  private async write(records: readonly Buffer[]): Promise<Buffer> {
    const { connection, dir } = await this.open();
    this.sequence += 1;
    const n = this.sequence;
    const input = join(dir, `in-${n}.json`);
    const output = join(dir, `out-${n}.parquet`);
    await writeFile(
      input,
      Buffer.concat(records.flatMap((r) => (r[r.length - 1] === 0x0a ? [r] : [r, Buffer.from('\n')]))),
    );
    try {
      await connection.run(
        `COPY (SELECT * FROM read_json(${sqlText(input)}, columns = ${duckDbColumns()}, format = 'newline_delimited'))
         TO ${sqlText(output)} (FORMAT parquet, COMPRESSION ${DELIVERY_LAYOUT.parquetCompression.toLowerCase()})`,
      );
      return await readFile(output);
    } finally {
      await Promise.all([rm(input, { force: true }), rm(output, { force: true })]);
    }
  }
}

/** DuckDB's message, first line only: the error document carries it, as Firehose's carries its reason. */
const conversionMessage = (err: unknown) => String((err as Error).message ?? err).split('\n')[0];
