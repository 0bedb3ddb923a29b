import { writeLakeDir } from '../../local/firehose/lake-files';
import type { Ctr } from './corpus';

/**
 * Lays out records as `ctr local --out DIR` leaves the delivered ones (`ctr/dt=YYYY-MM-DD/*.parquet`, by the
 * contact's UTC date, converted as the local Firehose converts), without running the pipeline: for tests of
 * what reads that directory.
 */
export async function writeDeliveredDir(root: string, records: readonly Ctr[]): Promise<void> {
  await writeLakeDir(
    root,
    records.map((r) => JSON.stringify(r)),
  );
}
