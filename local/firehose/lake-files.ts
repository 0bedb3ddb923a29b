import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { ParquetConverter } from './parquet-conversion';
import { evaluateJqPathQuery, parseJqPathQuery, partitionKeyValue, renderFirehosePrefix } from './partitioning';

/** What {@link writeLakeDir} wrote. */
export interface LakeFiles {
  /** Parquet objects under `ctr/`, relative to the root. */
  readonly parquet: readonly string[];
  /** GZIP JSON objects under `backup/`, relative to the root. */
  readonly backup: readonly string[];
}

/**
 * Lays CTR JSON lines out as the delivery stream leaves them, without running the pipeline: one Parquet
 * object per contact date under `ctr/` (the same conversion as the local Firehose) and, with `backup`, the
 * lines as GZIP JSON under `backup/` (arrival date `arrival`). For tests and benchmarks of what reads a lake.
 */
export async function writeLakeDir(
  root: string,
  lines: readonly string[],
  options: { readonly backup?: boolean; readonly arrival?: Date; readonly objectName?: string } = {},
): Promise<LakeFiles> {
  const query = parseJqPathQuery(DELIVERY_LAYOUT.partitionQuery);
  const byPrefix = new Map<string, Buffer[]>();
  for (const line of lines) {
    const dt = partitionKeyValue(evaluateJqPathQuery(query, JSON.parse(line)));
    const prefix = renderFirehosePrefix(DELIVERY_LAYOUT.prefix, {
      partitionKeys: { [DELIVERY_LAYOUT.partitionColumn]: dt },
      timestamp: new Date(),
    });
    const records = byPrefix.get(prefix) ?? [];
    records.push(Buffer.from(`${line}\n`));
    byPrefix.set(prefix, records);
  }
  const name = options.objectName ?? 'part-0';
  const converter = new ParquetConverter();
  const parquet: string[] = [];
  try {
    for (const [prefix, records] of byPrefix) {
      const { parquet: body, failures } = await converter.convert(records);
      if (failures.length > 0) throw new Error(`record not convertible to the CTR schema: ${failures[0].message}`);
      await mkdir(join(root, prefix), { recursive: true });
      const key = `${prefix}${name}${DELIVERY_LAYOUT.dataFileExtension}`;
      await writeFile(join(root, key), body!);
      parquet.push(key);
    }
  } finally {
    await converter.close();
  }
  const backup: string[] = [];
  if (options.backup) {
    const prefix = renderFirehosePrefix(DELIVERY_LAYOUT.backupPrefix, { timestamp: options.arrival ?? new Date() });
    await mkdir(join(root, prefix), { recursive: true });
    const key = `${prefix}${name}.gz`;
    await writeFile(join(root, key), gzipSync(lines.map((l) => `${l}\n`).join('')));
    backup.push(key);
  }
  return { parquet, backup };
}
