/** Limits of one batch call of an AWS API (PutRecords, PutRecordBatch, ...). */
export interface ChunkLimits {
  readonly maxRecordsPerCall: number;
  readonly maxBytesPerCall: number;
}

/**
 * Splits items, in order, into consecutive chunks that each fit one call: at most `maxRecordsPerCall`
 * items and `maxBytesPerCall` bytes as `sizeOf` counts them. An item larger than a call on its own gets a
 * chunk of its own (the caller rejects such items before sending).
 * @example chunkBySize(records, { maxRecordsPerCall: 500, maxBytesPerCall: 4 * 1024 * 1024 }, (r) => r.data.length)
 */
export function chunkBySize<T>(items: readonly T[], limits: ChunkLimits, sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    const full = current.length >= limits.maxRecordsPerCall || bytes + size > limits.maxBytesPerCall;
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
