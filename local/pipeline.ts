import { isUtf8 } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_QUARANTINE_PREFIX } from '../lambda-dedup/src/constants';
import { sendRecords } from '../lambda-emulator/src/sendRecords';
import { DELIVERY_LAYOUT } from '../lib/definitions/delivery-layout';
import { exportObjects, listKeys } from './bucket';
import type { LocalEnvironment } from './environment';
import { bytesOf, type InputRecord } from './input';
import { quarantineTooLarge, tooLargeForStream } from './input-quarantine';
import { type DailyContacts, dailyContacts } from './sql/daily-contacts';
import { type QueryResult, runLocalNamedQuery } from './sql/local-analytics';

/** The named query a run shows (analytics/queries/daily_contact_volume.sql). */
export const RUN_SUMMARY_QUERY = 'daily_contact_volume';

/**
 * DuckDB's memory limit for a run's summary SQL: the latest-version view behind the named query holds every
 * contact's rows, which took 700 MiB at 80,000 contacts; with the limit DuckDB spills to disk instead.
 */
export const SUMMARY_SQL_MEMORY_LIMIT = '400MB';

/** A run's summary SQL over `outDir`: daily contacts and the daily volume named query (none without data). */
export async function summarySql(
  outDir: string,
  hasData: boolean,
): Promise<Pick<RunSummary, 'dailyContacts' | 'dailyVolume'>> {
  if (!hasData) return { dailyContacts: [], dailyVolume: undefined };
  return {
    dailyContacts: await dailyContacts(outDir),
    dailyVolume: await runLocalNamedQuery(outDir, RUN_SUMMARY_QUERY, undefined, SUMMARY_SQL_MEMORY_LIMIT),
  };
}

/** Progress of a run, reported while it goes. */
export interface RunProgress {
  /** Records to send, when known beforehand (an array input). */
  readonly total?: number;
  /** Records taken from the input so far. */
  readonly read: number;
  readonly sent: number;
  /** Records the event source mapping has read from the stream for this run: the work done. */
  readonly processed: number;
  /** Whether the whole input has been read, so that `sent` is the final count. */
  readonly inputDone: boolean;
  readonly forwarded: number;
  readonly elapsedMs: number;
}

/** Options of one run. */
export interface RunOptions {
  /**
   * Directory that receives every object of the local bucket under its S3 key after the run; the SQL step
   * reads it. Required: the caller owns it (the CLI uses a temporary one without `--out`).
   */
  readonly outDir: string;
  /** Records per emulator invocation. @default 500 */
  readonly recordsPerInvocation?: number;
  /** Called about every `progressIntervalMs` while the run goes. @default none */
  readonly onProgress?: (progress: RunProgress) => void;
  /** @default 250 */
  readonly progressIntervalMs?: number;
  /** Run the daily-contacts SQL and the daily volume named query. @default true */
  readonly sql?: boolean;
  /** Another consumer drained alongside the mapping, e.g. a second poller on the same shards. @default none */
  readonly alsoDrain?: (producerDone: () => boolean) => Promise<unknown>;
  /** Records already put into the stream for this run by other means (e.g. injected bad inputs). @default 0 */
  readonly preloaded?: number;
  /** Sees the bytes of every input record as it is sent (or quarantined), e.g. for `--verify`. @default none */
  readonly onRecord?: (data: Buffer) => void;
  /** Stops taking input when aborted (Ctrl-C): what was sent is still delivered and reported. @default none */
  readonly signal?: AbortSignal;
  /**
   * Records the producer may run ahead of the event source mapping. Bounds the stream's unread backlog, so
   * progress means delivery and memory stays flat. @default 5000
   */
  readonly maxLag?: number;
}

/** What one run did. Counts are for this run only, also when the environment has served earlier runs. */
export interface RunSummary {
  /** Records read from the input, plus any preloaded into the stream for this run. */
  readonly recordsIn: number;
  /** Records the emulator put into the stream. */
  readonly sent: number;
  /** Input records over Kinesis's 1 MiB record limit: quarantined with their reason, never sent. */
  readonly tooLargeForStream: number;
  /** The run was stopped (Ctrl-C) before the input's end: the counts cover what was read until then. */
  readonly interrupted: boolean;
  /** Records the dedup function forwarded to Firehose (entries Firehose accepted). */
  readonly forwarded: number;
  /** Forwarded records written under the data prefix. */
  readonly delivered: number;
  /** Records neither forwarded, quarantined nor given up on: the copies the dedup function dropped. */
  readonly duplicatesDropped: number;
  /** Records quarantined (one object each): by the dedup function, or here when too large to send. */
  readonly quarantined: number;
  /** Records of batches sent to the failure destination after the last retry. */
  readonly failedRecords: number;
  /** Records Firehose could not partition (under the error prefix). */
  readonly firehoseErrors: number;
  /** New objects per prefix. */
  readonly objectsWritten: {
    readonly ctr: number;
    readonly quarantine: number;
    readonly failures: number;
    readonly firehoseErrors: number;
  };
  /** Daily distinct contacts over everything delivered so far, from DuckDB. */
  readonly dailyContacts: DailyContacts[];
  /** The daily contact volume named query over everything delivered so far (absent without SQL or data). */
  readonly dailyVolume?: QueryResult;
  /** Where the bucket's objects were written. */
  readonly outDir: string;
  readonly elapsedMs: number;
}

interface Snapshot {
  readonly keys: Set<string>;
  readonly accepted: number;
  readonly delivered: number;
  readonly firehoseErrors: number;
  readonly failedRecords: number;
}

async function snapshot(env: LocalEnvironment): Promise<Snapshot> {
  const stats = env.firehose.stats(env.names.deliveryStreamName);
  return {
    keys: new Set(await listKeys(env.clients.s3, env.names.bucketName)),
    accepted: stats.recordsAccepted,
    delivered: stats.recordsDelivered,
    firehoseErrors: stats.recordsToErrorPrefix,
    failedRecords: env.mapping.stats.recordsToFailureDestination,
  };
}

const staticPrefix = (prefix: string) => prefix.split('!{')[0];

/**
 * Runs records through the local pipeline: the emulator handler puts them into the stream while the event
 * source mapping feeds the dedup handler; when the stream is drained the Firehose endpoint is flushed, the
 * bucket is copied to `outDir` and DuckDB counts the contacts. Safe to call again on the same environment:
 * the mapping resumes after its checkpoint and the dedup table remembers earlier runs.
 */
export async function runLocalPipeline(
  env: LocalEnvironment,
  records: Iterable<InputRecord> | AsyncIterable<InputRecord>,
  options: RunOptions,
): Promise<RunSummary> {
  const started = Date.now();
  const before = await snapshot(env);
  const chunkSize = options.recordsPerInvocation ?? 500;
  const maxLag = options.maxLag ?? 5000;
  const preloaded = options.preloaded ?? 0;
  const total = Array.isArray(records) ? records.length + preloaded : undefined;
  const readBefore = env.mapping.stats.recordsRead;
  let read = preloaded;
  let sent = preloaded;
  let tooLarge = 0;
  let producerDone = false;
  const forwardedSoFar = () => env.firehose.stats(env.names.deliveryStreamName).recordsAccepted - before.accepted;
  const report = () =>
    options.onProgress?.({
      total,
      read,
      sent,
      processed: env.mapping.stats.recordsRead - readBefore,
      inputDone: producerDone,
      forwarded: forwardedSoFar(),
      elapsedMs: Date.now() - started,
    });
  const ticker = options.onProgress ? setInterval(report, options.progressIntervalMs ?? 250) : undefined;

  const send = async (chunk: InputRecord[]) => {
    // Valid UTF-8 goes through the emulator Lambda as JSON text; other bytes cannot travel in a JSON event,
    // so they are put with the emulator's own sending code, byte for byte.
    const text: Array<string | Record<string, unknown>> = [];
    const raw: Buffer[] = [];
    const firstIndex = read - preloaded - chunk.length;
    for (const [i, record] of chunk.entries()) {
      const data = bytesOf(record);
      options.onRecord?.(data);
      if (tooLargeForStream(data)) {
        await quarantineTooLarge(env, data, firstIndex + i);
        tooLarge += 1;
      } else if (!Buffer.isBuffer(record)) text.push(record);
      else if (isUtf8(record)) text.push(record.toString('utf8'));
      else raw.push(record);
    }
    if (text.length > 0) sent += (await env.emulator({ records: text })).sent;
    if (raw.length > 0) sent += (await sendRecords(env.clients.kinesis, env.names.streamName, raw)).sent;
  };
  const produce = async () => {
    try {
      let chunk: InputRecord[] = [];
      for await (const record of records) {
        if (options.signal?.aborted) break;
        chunk.push(record);
        read += 1;
        if (chunk.length < chunkSize) continue;
        while (sent - preloaded - (env.mapping.stats.recordsRead - readBefore) > maxLag && !options.signal?.aborted)
          await sleep(20);
        await send(chunk);
        chunk = [];
      }
      if (chunk.length > 0) await send(chunk);
    } finally {
      producerDone = true;
    }
  };
  try {
    await Promise.all([produce(), env.mapping.drain(() => producerDone), options.alsoDrain?.(() => producerDone)]);
    await env.firehose.flush();
  } finally {
    if (ticker) clearInterval(ticker);
  }
  report();

  const after = await snapshot(env);
  const newKeys = [...after.keys].filter((k) => !before.keys.has(k));
  const under = (prefix: string) => newKeys.filter((k) => k.startsWith(prefix)).length;
  const quarantined = under(DEFAULT_QUARANTINE_PREFIX);
  const quarantinedByFunction = quarantined - tooLarge;
  const forwarded = after.accepted - before.accepted;
  const failedRecords = after.failedRecords - before.failedRecords;

  await exportObjects(env.clients.s3, env.names.bucketName, [...after.keys], options.outDir);
  const hasData = [...after.keys].some((k) => k.startsWith(DELIVERY_LAYOUT.dataRoot));
  const sql = await summarySql(options.outDir, options.sql !== false && hasData);

  return {
    recordsIn: read,
    sent,
    tooLargeForStream: tooLarge,
    interrupted: options.signal?.aborted === true,
    forwarded,
    delivered: after.delivered - before.delivered,
    duplicatesDropped: sent - forwarded - quarantinedByFunction - failedRecords,
    quarantined,
    failedRecords,
    firehoseErrors: after.firehoseErrors - before.firehoseErrors,
    objectsWritten: {
      ctr: under(DELIVERY_LAYOUT.dataRoot),
      quarantine: quarantined,
      failures: under(env.names.failurePrefix),
      firehoseErrors: under(staticPrefix(DELIVERY_LAYOUT.errorOutputPrefix)),
    },
    ...sql,
    outDir: options.outDir,
    elapsedMs: Date.now() - started,
  };
}
