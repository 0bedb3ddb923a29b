// The CTR input reader: every layout and source through one streaming path.
import { readRecords } from './read-records';
import { resolveSources } from './sources';

export { InputError } from './errors';
export { type ReadProgress, type RecordReader, readRecords } from './read-records';
export { type InputSource, resolveSources, sourceChunks } from './sources';
export { RecordSplitter } from './split-records';

/**
 * One record to send: bytes go as they are, a string as its UTF-8 bytes, an object as compact JSON.
 * The reader yields bytes; callers with records in memory (tests, faults) may pass strings or objects.
 */
export type InputRecord = Buffer | string | Record<string, unknown>;

/** The bytes a record is sent as. */
export const bytesOf = (record: InputRecord): Buffer =>
  Buffer.isBuffer(record) ? record : Buffer.from(typeof record === 'string' ? record : JSON.stringify(record), 'utf8');

/** Reads all records of the given inputs into memory: for small inputs (tests, samples). */
export async function readInputFile(...paths: string[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const record of readRecords(await resolveSources(paths))) out.push(record);
  return out;
}
