import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  evaluateJqPathQuery,
  formatFirehoseTimestamp,
  parseJqPathQuery,
  partitionKeyValue,
  PartitioningError,
  renderFirehosePrefix,
  type JqPathQuery,
} from './partitioning';

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
  objectsWritten: number;
  /** S3 writes that failed; the records stay buffered and are retried on the next flush. */
  writeFailures: number;
}

interface Buffer_ {
  readonly key: string;
  readonly chunks: Buffer[];
  bytes: number;
  readonly firstAt: number;
}

/**
 * Buffers records by rendered prefix and writes each buffer as one GZIP object through the S3 API,
 * named as Firehose names them (`<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz`).
 */
export class DeliveryStream {
  readonly stats: DeliveryStats = {
    recordsAccepted: 0,
    recordsDelivered: 0,
    recordsToErrorPrefix: 0,
    objectsWritten: 0,
    writeFailures: 0,
  };
  private readonly queries: ReadonlyArray<[string, JqPathQuery]>;
  private readonly buffers = new Map<string, Buffer_>();
  private writing: Promise<void> = Promise.resolve();
  private readonly version = 1;

  constructor(
    private readonly settings: DeliveryStreamSettings,
    private readonly s3: S3Client,
  ) {
    this.queries = Object.entries(settings.partitionQueries).map(([name, q]) => [name, parseJqPathQuery(q)]);
  }

  /** Partitions one record and adds it to its buffer; records that cannot be partitioned go to the error prefix. */
  accept(data: Buffer, arrival: Date): void {
    this.stats.recordsAccepted += 1;
    let key: string;
    let body = data;
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      const partitionKeys: Record<string, string> = {};
      for (const [name, query] of this.queries) partitionKeys[name] = partitionKeyValue(evaluateJqPathQuery(query, parsed));
      key = renderFirehosePrefix(this.settings.prefix, { partitionKeys, timestamp: arrival });
    } catch (err) {
      if (!(err instanceof SyntaxError || err instanceof PartitioningError)) throw err;
      key = renderFirehosePrefix(this.settings.errorOutputPrefix, {
        errorOutputType: 'processing-failed',
        timestamp: arrival,
      });
      // Firehose's error document: the record in base64 plus why it failed.
      body = Buffer.from(
        `${JSON.stringify({
          attemptsMade: 1,
          arrivalTimestamp: arrival.getTime(),
          errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
          errorMessage: (err as Error).message,
          attemptEndingTimestamp: Date.now(),
          rawData: data.toString('base64'),
        })}\n`,
      );
      this.stats.recordsToErrorPrefix += 1;
    }
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = { key, chunks: [], bytes: 0, firstAt: Date.now() };
      this.buffers.set(key, buffer);
    }
    buffer.chunks.push(body);
    buffer.bytes += body.length;
    if (buffer.bytes >= (this.settings.bufferBytes ?? 5 * 1024 * 1024)) this.flushKeys([key]);
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
        for (const b of taken) await this.write(b);
      });
    this.writing = done;
    return done;
  }

  private async write(buffer: Buffer_): Promise<void> {
    const now = new Date();
    const name = `${this.settings.name}-${this.version}-${formatFirehoseTimestamp('yyyy-MM-dd-HH-mm-ss', now)}-${randomUUID()}.gz`;
    const body = await gzipAsync(Buffer.concat(buffer.chunks));
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.settings.bucketName, Key: `${buffer.key}${name}`, Body: body }),
      );
    } catch (err) {
      // Firehose keeps retrying S3; here the records go back to their buffer for the next flush.
      this.stats.writeFailures += 1;
      const back = this.buffers.get(buffer.key);
      if (back) {
        back.chunks.unshift(...buffer.chunks);
        back.bytes += buffer.bytes;
      } else this.buffers.set(buffer.key, buffer);
      throw err;
    }
    this.stats.objectsWritten += 1;
    if (!buffer.key.startsWith(this.settings.errorOutputPrefix.split('!{')[0])) {
      this.stats.recordsDelivered += buffer.chunks.length;
    }
  }
}
