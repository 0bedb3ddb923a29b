import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { DELIVERY_LAYOUT, staticRoot } from '../../lib/definitions/delivery-layout';
import { ctrTableSql } from '../../local/sql/daily-contacts';

/** Every file under `dir`, as paths relative to it (the S3 keys). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The delivered CTR lines, byte for byte as the dedup function sent them (without their newline): the
 * source-record backup under `backup/` (GZIP JSON), which holds every record the delivery stream accepted.
 */
export function deliveredLines(outDir: string): Array<{ line: string }> {
  const result: Array<{ line: string }> = [];
  for (const key of filesUnder(outDir).filter((k) => k.startsWith(staticRoot(DELIVERY_LAYOUT.backupPrefix)))) {
    const text = gunzipSync(readFileSync(join(outDir, key))).toString('utf8');
    if (!text.endsWith('\n')) throw new Error(`object ${key} does not end with a newline`);
    for (const line of text.slice(0, -1).split('\n')) result.push({ line });
  }
  return result;
}

/** The rows of the Parquet objects under `ctr/` (with their `dt` partition), as JSON objects. */
export async function deliveredRows(outDir: string): Promise<Array<Record<string, any>>> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(ctrTableSql(outDir));
    const reader = await connection.runAndReadAll('SELECT to_json(ctr) AS j FROM ctr');
    return reader.getRowObjects().map((r) => JSON.parse(String(r.j)) as Record<string, any>);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
