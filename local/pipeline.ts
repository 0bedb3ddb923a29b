import { DELIVERY_LAYOUT } from '../lib/delivery-layout';
import { DEFAULT_QUARANTINE_PREFIX } from '../lambda-dedup/src/constants';
import { exportObjects, listKeys } from './bucket';
import type { LocalEnvironment } from './environment';
import type { InputRecord } from './input';
import { dailyContacts, type DailyContacts } from './sql/daily-contacts';
import { runLocalNamedQuery, type QueryResult } from './sql/local-analytics';

/** The named query a run shows (analytics/queries/daily_contact_volume.sql). */
export const RUN_SUMMARY_QUERY = 'daily_contact_volume';

/** Progress of a run, reported while it goes. */
export interface RunProgress {
  readonly total: number;
  readonly sent: number;
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
}

/** What one run did. Counts are for this run only, also when the environment has served earlier runs. */
export interface RunSummary {
  /** Records read from the input, plus any preloaded into the stream for this run. */
  readonly recordsIn: number;
  /** Records the emulator put into the stream. */
  readonly sent: number;
  /** Records the dedup function forwarded to Firehose (entries Firehose accepted). */
  readonly forwarded: number;
  /** Forwarded records written under the data prefix. */
  readonly delivered: number;
  /** Records neither forwarded, quarantined nor given up on: the copies the dedup function dropped. */
  readonly duplicatesDropped: number;
  /** Records the dedup function quarantined (one object each). */
  readonly quarantined: number;
  /** Records of batches sent to the failure destination after the last retry. */
  readonly failedRecords: number;
  /** Records Firehose could not partition (under the error prefix). */
  readonly firehoseErrors: number;
  /** New objects per prefix. */
  readonly objectsWritten: { readonly ctr: number; readonly quarantine: number; readonly failures: number; readonly firehoseErrors: number };
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
  records: readonly InputRecord[],
  options: RunOptions,
): Promise<RunSummary> {
  const started = Date.now();
  const before = await snapshot(env);
  const chunkSize = options.recordsPerInvocation ?? 500;
  const preloaded = options.preloaded ?? 0;
  let sent = preloaded;
  let producerDone = false;
  const forwardedSoFar = () => env.firehose.stats(env.names.deliveryStreamName).recordsAccepted - before.accepted;
  const report = () =>
    options.onProgress?.({ total: records.length + preloaded, sent, forwarded: forwardedSoFar(), elapsedMs: Date.now() - started });
  const ticker = options.onProgress ? setInterval(report, options.progressIntervalMs ?? 250) : undefined;

  const produce = async () => {
    try {
      for (let i = 0; i < records.length; i += chunkSize) {
        const result = await env.emulator({ records: records.slice(i, i + chunkSize) });
        sent += result.sent;
      }
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
  const forwarded = after.accepted - before.accepted;
  const failedRecords = after.failedRecords - before.failedRecords;

  await exportObjects(env.clients.s3, env.names.bucketName, [...after.keys], options.outDir);
  const hasData = [...after.keys].some((k) => k.startsWith(DELIVERY_LAYOUT.dataRoot));
  const daily = options.sql === false || !hasData ? [] : await dailyContacts(options.outDir);
  const dailyVolume = options.sql === false || !hasData ? undefined : await runLocalNamedQuery(options.outDir, RUN_SUMMARY_QUERY);

  return {
    recordsIn: records.length + preloaded,
    sent,
    forwarded,
    delivered: after.delivered - before.delivered,
    duplicatesDropped: sent - forwarded - quarantined - failedRecords,
    quarantined,
    failedRecords,
    firehoseErrors: after.firehoseErrors - before.firehoseErrors,
    objectsWritten: {
      ctr: under(DELIVERY_LAYOUT.dataRoot),
      quarantine: quarantined,
      failures: under(env.names.failurePrefix),
      firehoseErrors: under(staticPrefix(DELIVERY_LAYOUT.errorOutputPrefix)),
    },
    dailyContacts: daily,
    dailyVolume,
    outDir: options.outDir,
    elapsedMs: Date.now() - started,
  };
}
