import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import { FIREHOSE_LIMITS } from '../../lambda-dedup/src/constants';
import { listenOnLoopback } from '../servers/listen';
import { type DeliveryStats, DeliveryStream, type DeliveryStreamSettings } from './delivery';
import {
  FirehoseApiError,
  InvalidArgumentError,
  ResourceNotFoundError,
  ServiceUnavailableError,
  UnknownOperationError,
  ValidationError,
} from './errors';
import { FaultInjector, type FirehoseFaults } from './faults';

/** Options of the local Firehose-compatible endpoint. */
export interface FirehoseEndpointProps {
  /** The delivery streams it serves. */
  readonly deliveryStreams: readonly DeliveryStreamSettings[];
  /** Client of the S3 server the objects are written to. */
  readonly s3: S3Client;
  /** Faults to inject. @default none */
  readonly faults?: FirehoseFaults;
  /** An existing directory where buffered records wait in files instead of memory (big runs). @default in memory */
  readonly spoolDir?: string;
}

/** A running Firehose-compatible endpoint. */
export interface FirehoseEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Per delivery stream counters. */
  stats(streamName: string): DeliveryStats;
  /** Replaces the injected faults (and restarts their counters). */
  setFaults(faults: FirehoseFaults): void;
  /** Writes every buffered record now. */
  flush(): Promise<void>;
  /** Flushes, then stops the server. */
  close(): Promise<void>;
}

interface PutRecordBatchInput {
  DeliveryStreamName?: unknown;
  Records?: unknown;
}

const JSON_11 = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'Firehose_20150804.';

/**
 * Starts an HTTP/1.1 server that speaks Firehose's JSON 1.1 protocol (PutRecordBatch, PutRecord), buffers
 * and partitions records like a direct-put stream with dynamic partitioning, and writes GZIP or Parquet
 * objects (and the source-record backup) to S3.
 * Hand-written because no Firehose emulator exists on npm.
 */
export async function startFirehoseEndpoint(props: FirehoseEndpointProps): Promise<FirehoseEndpoint> {
  const streams = new Map(props.deliveryStreams.map((s) => [s.name, new DeliveryStream(s, props.s3, props.spoolDir)]));
  let faults = new FaultInjector(props.faults);

  const streamFor = (name: unknown): DeliveryStream => {
    const stream = typeof name === 'string' ? streams.get(name) : undefined;
    if (!stream) throw new ResourceNotFoundError(`Firehose ${String(name)} under account 000000000000 not found.`);
    return stream;
  };

  const decode = (entry: unknown): Buffer => {
    const data = (entry as { Data?: unknown } | null)?.Data;
    if (typeof data !== 'string') throw new ValidationError('Record.Data is required and must be a blob');
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > FIREHOSE_LIMITS.maxRecordBytes) {
      throw new ValidationError(`Record size ${bytes.length} exceeds ${FIREHOSE_LIMITS.maxRecordBytes} bytes`);
    }
    return bytes;
  };

  // Opaque and unique, as Firehose's: one random prefix and a counter (a random draw per record cost 20 µs).
  const recordIdPrefix = randomBytes(24).toString('hex');
  let recordCount = 0;
  const recordId = () => `${recordIdPrefix}${(recordCount++).toString(16).padStart(12, '0')}`;

  const putRecordBatch = (input: PutRecordBatchInput) => {
    const stream = streamFor(input.DeliveryStreamName);
    if (!Array.isArray(input.Records) || input.Records.length === 0) {
      throw new ValidationError('Records must contain at least 1 record');
    }
    if (input.Records.length > FIREHOSE_LIMITS.maxRecordsPerCall) {
      throw new ValidationError(
        `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordsPerCall}`,
      );
    }
    const records = input.Records.map(decode);
    const total = records.reduce((n, r) => n + r.length, 0);
    if (total > FIREHOSE_LIMITS.maxBytesPerCall) {
      throw new InvalidArgumentError(`Records size ${total} exceeds ${FIREHOSE_LIMITS.maxBytesPerCall} bytes`);
    }
    const arrival = new Date();
    let failed = 0;
    const responses = records.map((data) => {
      if (faults.failEntry()) {
        failed += 1;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      }
      stream.accept(data, arrival);
      return { RecordId: recordId() };
    });
    return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
  };

  const putRecord = (input: { DeliveryStreamName?: unknown; Record?: unknown }) => {
    const stream = streamFor(input.DeliveryStreamName);
    const data = decode(input.Record);
    if (faults.failEntry()) throw new ServiceUnavailableError();
    stream.accept(data, new Date());
    return { RecordId: recordId(), Encrypted: false };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': JSON_11, 'x-amzn-requestid': randomBytes(16).toString('hex') });
      res.end(body);
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) throw new UnknownOperationError(target);
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        throw new ValidationError('Request body is not valid JSON');
      }
      if (faults.failCall()) throw new ServiceUnavailableError();
      const operation = target.slice(TARGET_PREFIX.length);
      if (operation === 'PutRecordBatch') return send(200, JSON.stringify(putRecordBatch(input)));
      if (operation === 'PutRecord') return send(200, JSON.stringify(putRecord(input)));
      throw new UnknownOperationError(target);
    } catch (err) {
      const apiError =
        err instanceof FirehoseApiError ? err : new FirehoseApiError('InternalFailure', 'internal error', 500);
      return send(apiError.status, apiError.toBody());
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  const running = await listenOnLoopback(server);
  const flushAll = () => Promise.all([...streams.values()].map((s) => s.flushAll())).then(() => undefined);
  const timer = setInterval(() => {
    for (const s of streams.values()) s.flushDue().catch(() => undefined);
  }, 100);
  timer.unref();

  return {
    endpoint: running.endpoint,
    stats: (name) => streamFor(name).stats,
    setFaults: (next) => {
      faults = new FaultInjector(next);
    },
    flush: flushAll,
    close: async () => {
      clearInterval(timer);
      try {
        await Promise.all([...streams.values()].map((s) => s.close()));
      } finally {
        await running.close();
      }
    },
  };
}
