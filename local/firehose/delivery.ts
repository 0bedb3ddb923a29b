import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeliveryWriteError } from './errors';
import { ParquetConverter } from './parquet-conversion';
import {
  evaluateJqPathQuery,
  formatFirehoseTimestamp,
  type JqPathQuery,
  PartitioningError,
  parseJqPathQuery,
  partitionKeyValue,
  renderFirehosePrefix,
} from './partitioning';
import { FileSpool, MemorySpool, type RecordSpool } from './record-spool';

const gzipAsync = promisify(gzip);

/** How one delivery stream writes to S3: the same settings the stack gives the real one. */
export interface DeliveryStreamSettings {
  /** Delivery stream name; also the start of every object name. */
  readonly name: string;
  /** Destination bucket. */
  readonly bucketName: string;
  /** S3 prefix with `!{partitionKeyFromQuery:...}` placeholders. */
  readonly prefix: string;
  /** Prefix of records that could not be partitioned. */
  readonly errorOutputPrefix: string;
  /** jq queries by partition key name (dynamic partitioning's metadata extraction). */
  readonly partitionQueries: Readonly<Record<string, string>>;
  /**
   * Convert records to Parquet with the CTR schema (record format conversion); objects then end in `.parquet`.
   * @default false - GZIP JSON lines
   */
  readonly parquet?: boolean;
  /** Prefix of the source-record backup (every accepted record, GZIP JSON lines). @default no backup */
  readonly backupPrefix?: string;
  /** Flush a partition's buffer when it holds this many bytes. @default 5 MiB */
  readonly bufferBytes?: number;
  /** Flush a partition's buffer this long after its first record. @default 1000 ms */
  readonly bufferIntervalMs?: number;
}

/** What a delivery stream has done so far. */
export interface DeliveryStats {
  recordsAccepted: number;
  recordsDelivered: number;
  recordsToErrorPrefix: number;
  /** Records the Parquet conversion refused (also counted in `recordsToErrorPrefix`). */
  recordsFailedConversion: number;
  /** Records written to the source-record backup. */
  recordsBackedUp: number;
  objectsWritten: number;
  /** S3 writes that failed; the records stay buffered and are retried on the next flush. */
  writeFailures: number;
}

interface Buffer_ {
  readonly key: string;
  /** `data` is converted when the stream converts; `backup` and `error` are always GZIP JSON. */
  readonly kind: 'data' | 'backup' | 'error';
  spool: RecordSpool;
  readonly firstAt: number;
}

/**
 * Buffers records by rendered prefix and writes each buffer as one object through the S3 API, named as
 * Firehose names them (`<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz`, or `.parquet` when
 * converting); with a backup prefix, every accepted record is also written there as GZIP JSON.
 */
export class DeliveryStream {
  readonly stats: DeliveryStats = {
    recordsAccepted: 0,
    recordsDelivered: 0,
    recordsToErrorPrefix: 0,
    recordsFailedConversion: 0,
    recordsBackedUp: 0,
    objectsWritten: 0,
    writeFailures: 0,
  };
  private readonly converter?: ParquetConverter;
  private readonly queries: ReadonlyArray<[string, JqPathQuery]>;
  private readonly buffers = new Map<string, Buffer_>();
  private writing: Promise<void> = Promise.resolve();
  private readonly version = 1;

  /**
   * `spoolDir`: keep buffered records in files of this directory (it must exist) instead of memory.
   * @default in memory
   */
  constructor(
    private readonly settings: DeliveryStreamSettings,
    private readonly s3: S3Client,
    private readonly spoolDir?: string,
  ) {
    this.queries = Object.entries(settings.partitionQueries).map(([name, q]) => [name, parseJqPathQuery(q)]);
    if (settings.parquet) this.converter = new ParquetConverter();
  }

  /** Partitions one record and adds it to its buffer; records that cannot be partitioned go to the error prefix. */
  accept(data: Buffer, arrival: Date): void {
    this.stats.recordsAccepted += 1;
    let key: string;
    let kind: Buffer_['kind'] = 'data';
    let body = data;
    if (this.settings.backupPrefix)
      this.add(renderFirehosePrefix(this.settings.backupPrefix, { timestamp: arrival }), 'backup', data);
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      const partitionKeys: Record<string, string> = {};
      for (const [name, query] of this.queries)
        partitionKeys[name] = partitionKeyValue(evaluateJqPathQuery(query, parsed));
      key = renderFirehosePrefix(this.settings.prefix, { partitionKeys, timestamp: arrival });
    } catch (err) {
      if (!(err instanceof SyntaxError || err instanceof PartitioningError)) throw err;
      kind = 'error';
      key = renderFirehosePrefix(this.settings.errorOutputPrefix, {
        errorOutputType: 'processing-failed',
        timestamp: arrival,
      });
      body = errorDocument(data, arrival, 'DynamicPartitioning.MetadataExtractionFailed', (err as Error).message);
      this.stats.recordsToErrorPrefix += 1;
    }
    this.add(key, kind, body);
  }

  private add(key: string, kind: Buffer_['kind'], body: Buffer): void {
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = { key, kind, spool: this.newSpool(), firstAt: Date.now() };
      this.buffers.set(key, buffer);
    }
    buffer.spool.append(body);
    // A failed write puts its records back into their buffer (counted in `writeFailures`); the next flush retries.
    if (buffer.spool.bytes >= (this.settings.bufferBytes ?? 5 * 1024 * 1024))
      this.flushKeys([key]).catch(() => undefined);
  }

  private newSpool(): RecordSpool {
    return this.spoolDir ? new FileSpool(this.spoolDir) : new MemorySpool();
  }

  /** Flushes every buffer, then releases the Parquet converter. */
  async close(): Promise<void> {
    try {
      await this.flushAll();
    } finally {
      await this.converter?.close();
    }
  }

  /** Flushes buffers whose interval has passed. */
  flushDue(): Promise<void> {
    const interval = this.settings.bufferIntervalMs ?? 1000;
    const now = Date.now();
    return this.flushKeys([...this.buffers.values()].filter((b) => now - b.firstAt >= interval).map((b) => b.key));
  }

  /** Flushes every buffer and waits for all writes. */
  flushAll(): Promise<void> {
    return this.flushKeys([...this.buffers.keys()]);
  }

  private flushKeys(keys: string[]): Promise<void> {
    const taken = keys.map((k) => this.buffers.get(k)).filter((b): b is Buffer_ => b !== undefined);
    for (const b of taken) this.buffers.delete(b.key);
    // One write at a time keeps the order of objects and the S3 server's load predictable.
    const done = this.writing
      .catch(() => undefined)
      .then(async () => {
        // Every buffer gets its write even when one fails: a buffer taken and not written would be lost.
        let records = 0;
        let backupRecords = 0;
        let cause: unknown;
        for (const b of taken) {
          // Counted before the write: a failed one may hand its records on to a newer buffer of the same key.
          const count = b.spool.count;
          try {
            await this.write(b);
          } catch (err) {
            cause = err;
            if (b.kind === 'backup') backupRecords += count;
            else records += count;
          }
        }
        if (cause !== undefined) throw new DeliveryWriteError(records, backupRecords, cause);
      });
    this.writing = done;
    return done;
  }

  private async write(buffer: Buffer_): Promise<void> {
    const chunks = buffer.spool.records();
    const converted = buffer.kind === 'data' && this.converter ? await this.converter.convert(chunks) : undefined;
    const objects: Array<{ key: string; body: Buffer }> = [];
    if (converted) {
      if (converted.parquet) objects.push({ key: buffer.key + this.objectName('.parquet'), body: converted.parquet });
      if (converted.failures.length > 0) {
        // Firehose writes the records it cannot convert to the error prefix, one error document each.
        const arrival = new Date(buffer.firstAt);
        const errorKey = renderFirehosePrefix(this.settings.errorOutputPrefix, {
          errorOutputType: 'format-conversion-failed',
          timestamp: arrival,
        });
        const documents = converted.failures.map((f) =>
          errorDocument(f.record, arrival, 'DataFormatConversion.ParseFailed', f.message),
        );
        objects.push({ key: errorKey + this.objectName('.gz'), body: await gzipAsync(Buffer.concat(documents)) });
      }
    } else objects.push({ key: buffer.key + this.objectName('.gz'), body: await gzipAsync(Buffer.concat(chunks)) });
    try {
      for (const object of objects) {
        await this.s3.send(
          new PutObjectCommand({ Bucket: this.settings.bucketName, Key: object.key, Body: object.body }),
        );
      }
    } catch (err) {
      // Firehose keeps retrying S3; here the records go back to their buffer for the next flush.
      this.stats.writeFailures += 1;
      const back = this.buffers.get(buffer.key);
      if (back) {
        // Records that arrived meanwhile go after the ones put back, as in one buffer that was never taken.
        const merged = this.newSpool();
        for (const record of [...chunks, ...back.spool.records()]) merged.append(record);
        back.spool.discard();
        buffer.spool.discard();
        back.spool = merged;
      } else this.buffers.set(buffer.key, buffer);
      throw err;
    }
    buffer.spool.discard();
    this.stats.objectsWritten += objects.length;
    if (buffer.kind === 'backup') this.stats.recordsBackedUp += chunks.length;
    else if (buffer.kind === 'data') {
      const failed = converted?.failures.length ?? 0;
      this.stats.recordsDelivered += chunks.length - failed;
      this.stats.recordsFailedConversion += failed;
      this.stats.recordsToErrorPrefix += failed;
    }
  }

  /** `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`, as Firehose names objects. */
  private objectName(extension: string): string {
    return `${this.settings.name}-${this.version}-${formatFirehoseTimestamp('yyyy-MM-dd-HH-mm-ss', new Date())}-${randomUUID()}${extension}`;
  }
}

/** Firehose's error document: the record in base64 plus why it failed, one JSON line. */
function errorDocument(data: Buffer, arrival: Date, errorCode: string, errorMessage: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: arrival.getTime(),
      errorCode,
      errorMessage,
      attemptEndingTimestamp: Date.now(),
      rawData: data.toString('base64'),
    }) + '\n',
  );
}
