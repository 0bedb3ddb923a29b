import { type InputSource, sourceChunks } from './sources';
import { RecordSplitter } from './split-records';

/** How far reading has got, for progress and ETA. */
export interface ReadProgress {
  /** Stored bytes read so far (compressed bytes for gzipped sources). */
  bytesRead: number;
  /** Stored bytes of all sources, when every size is known. */
  readonly totalBytes?: number;
  /** Records read so far. */
  records: number;
}

/** A stream of records from several sources, with its progress. */
export interface RecordReader extends AsyncIterable<Buffer> {
  readonly progress: ReadProgress;
}

/**
 * Reads every record of the sources in order, one source after another, holding only the record being
 * split. Each source is split on its own (each may have its own layout and compression).
 * @example for await (const record of readRecords(await resolveSources(['a.json', 'dir/']))) send(record);
 */
export function readRecords(sources: readonly InputSource[]): RecordReader {
  const sizes = sources.map((s) => s.bytes);
  const progress: ReadProgress = {
    bytesRead: 0,
    totalBytes: sizes.every((n) => n !== undefined) ? sizes.reduce<number>((a, n) => a + (n ?? 0), 0) : undefined,
    records: 0,
  };
  async function* records(): AsyncGenerator<Buffer> {
    for (const source of sources) {
      const splitter = new RecordSplitter();
      for await (const chunk of sourceChunks(source, (n) => (progress.bytesRead += n))) {
        for (const record of splitter.push(chunk)) {
          progress.records += 1;
          yield record;
        }
      }
      for (const record of splitter.end()) {
        progress.records += 1;
        yield record;
      }
    }
  }
  return { progress, [Symbol.asyncIterator]: records };
}
