import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import type { Ctr } from './corpus';

/**
 * Lays out records as `ctr local --out DIR` leaves the delivered ones (`ctr/dt=YYYY-MM-DD/*.gz`, by the
 * contact's UTC date), without running the pipeline: for tests of what reads that directory.
 */
export function writeDeliveredDir(root: string, records: readonly Ctr[]): void {
  const byDay = new Map<string, Ctr[]>();
  for (const r of records) {
    const day = String(r.InitiationTimestamp).slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  for (const [day, rs] of byDay) {
    const dir = join(root, DELIVERY_LAYOUT.dataRoot, `${DELIVERY_LAYOUT.partitionColumn}=${day}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'objects.gz'), gzipSync(rs.map((r) => `${JSON.stringify(r)}\n`).join('')));
  }
}
