import { KINESIS_LIMITS } from './constants';

/** Limits of one `PutRecords` call. */
export interface ChunkLimits {
  readonly maxRecordsPerCall: number;
  readonly maxBytesPerCall: number;
}

/**
 * Splits records, in order, into consecutive chunks that each fit one `PutRecords` call.
 * Every record must already fit on its own (see `KINESIS_LIMITS.maxRecordBytes`).
 */
export function chunkRecords<T extends { readonly size: number }>(
  records: readonly T[],
  limits: ChunkLimits = KINESIS_LIMITS,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const record of records) {
    if (current.length > 0 && (current.length >= limits.maxRecordsPerCall || bytes + record.size > limits.maxBytesPerCall)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
