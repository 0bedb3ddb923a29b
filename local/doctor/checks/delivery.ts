import { gunzipSync } from 'node:zlib';
import { DEFAULT_QUARANTINE_PREFIX } from '../../../lambda-dedup/src/constants';
import { quarantineDayPrefix } from '../../../lambda-dedup/src/quarantine';
import { DELIVERY_LAYOUT } from '../../../lib/definitions/delivery-layout';
import { getObjectBytes, listKeys } from '../../bucket';
import { renderFirehosePrefix } from '../../firehose/partitioning';
import { isProbeOf } from '../probes';
import type { CheckResult, DoctorContext } from '../types';

/** A day in milliseconds: the partitions are UTC days. */
const DAY_MS = 86_400_000;

/**
 * Where the probes land: the source-record backup (each record as the function sent it; the Parquet under ctr/
 * keeps only the schema's columns, and the athena check reads that) and the quarantine, each partitioned by the
 * UTC day a record arrived. A run that crosses midnight reads every day from its start to now: probes sent at
 * 23:59 sit in the day before the one the wait ends in.
 */
function prefixes(ctx: DoctorContext): { data: string[]; quarantine: string[] } {
  const days: Date[] = [];
  for (let t = Math.floor(ctx.startedAt / DAY_MS) * DAY_MS; t <= ctx.timing.now(); t += DAY_MS) days.push(new Date(t));
  return {
    data: days.map((timestamp) => renderFirehosePrefix(DELIVERY_LAYOUT.backupPrefix, { timestamp })),
    quarantine: days.map((d) => quarantineDayPrefix(DEFAULT_QUARANTINE_PREFIX, d)),
  };
}

/** The keys under each of the prefixes. */
async function listAll(ctx: DoctorContext, bucket: string, list: readonly string[]): Promise<string[]> {
  return (await Promise.all(list.map((p) => listKeys(ctx.clients.s3, bucket, p)))).flat();
}

/** Keys present before the probes are sent: only newer objects are read afterwards. */
export interface KeysBefore {
  readonly data: ReadonlySet<string>;
  readonly quarantine: ReadonlySet<string>;
}

/** Lists the probes' partitions before the run. */
export async function keysBefore(ctx: DoctorContext): Promise<KeysBefore> {
  const p = prefixes(ctx);
  const [data, quarantine] = await Promise.all([
    listAll(ctx, ctx.outputs.DataBucketName, p.data),
    listAll(ctx, ctx.outputs.QuarantineBucketName, p.quarantine),
  ]);
  return { data: new Set(data), quarantine: new Set(quarantine) };
}

/** What the delivery wait found. */
interface Delivered {
  /** Delivered copies per probe ContactId. */
  readonly copies: Map<string, number>;
  readonly quarantined: boolean;
  readonly waitedMs: number;
}

/** Reads the objects written since `before` and counts this run's probes in them. */
async function scan(
  ctx: DoctorContext,
  before: KeysBefore,
  read: Map<string, unknown[]>,
): Promise<Omit<Delivered, 'waitedMs'>> {
  const p = prefixes(ctx);
  const { s3 } = ctx.clients;
  const dataKeys = (await listAll(ctx, ctx.outputs.DataBucketName, p.data)).filter((k) => !before.data.has(k));
  for (const key of dataKeys.filter((k) => !read.has(`data:${k}`))) {
    const text = gunzipSync(await getObjectBytes(s3, ctx.outputs.DataBucketName, key)).toString('utf8');
    read.set(
      `data:${key}`,
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((r) => isProbeOf(r, ctx.probes.runId)),
    );
  }
  const quarantineKeys = (await listAll(ctx, ctx.outputs.QuarantineBucketName, p.quarantine)).filter(
    (k) => !before.quarantine.has(k),
  );
  for (const key of quarantineKeys.filter((k) => !read.has(`quarantine:${k}`))) {
    const entry = JSON.parse((await getObjectBytes(s3, ctx.outputs.QuarantineBucketName, key)).toString('utf8')) as {
      dataBase64?: string;
    };
    const data = Buffer.from(entry.dataBase64 ?? '', 'base64').toString('utf8');
    read.set(`quarantine:${key}`, data.includes(ctx.probes.runId) ? [data] : []);
  }
  const copies = new Map<string, number>(ctx.probes.records.map((r) => [String(r.ContactId), 0]));
  let quarantined = false;
  for (const [key, found] of read) {
    if (key.startsWith('quarantine:')) quarantined ||= found.length > 0;
    else
      for (const r of found as Array<{ ContactId: string }>)
        copies.set(r.ContactId, (copies.get(r.ContactId) ?? 0) + 1);
  }
  return { copies, quarantined };
}

/**
 * Waits until every probe contact is in the data bucket and the malformed record in quarantine, or the timeout
 * (Firehose holds records up to its buffer interval, 60 s by default), printing progress on the way.
 */
export async function waitForDelivery(ctx: DoctorContext, before: KeysBefore): Promise<Delivered> {
  const started = ctx.timing.now();
  const read = new Map<string, unknown[]>();
  const total = ctx.probes.records.length;
  for (;;) {
    const found = await scan(ctx, before, read);
    const waitedMs = ctx.timing.now() - started;
    const arrived = [...found.copies.values()].filter((n) => n > 0).length;
    ctx.progress(
      `waiting for Firehose: ${arrived} of ${total} probe contacts in S3, malformed record ${found.quarantined ? '' : 'not yet '}quarantined (${Math.round(waitedMs / 1000)} s of ${Math.round(ctx.timing.deliveryTimeoutMs / 1000)} s)`,
    );
    if ((arrived === total && found.quarantined) || waitedMs >= ctx.timing.deliveryTimeoutMs) {
      // One more look when everything is there: a copy that slipped through may sit in the same or the next object.
      return arrived === total ? { ...(await scan(ctx, before, read)), waitedMs } : { ...found, waitedMs };
    }
    await ctx.timing.sleep(ctx.timing.pollIntervalMs);
  }
}

/** The three lines the wait answers: delivered, copies dropped, malformed quarantined. */
export function deliveryChecks(ctx: DoctorContext, found: Delivered): CheckResult[] {
  const total = ctx.probes.records.length;
  const counts = [...found.copies.values()];
  const arrived = counts.filter((n) => n > 0).length;
  const seconds = `${Math.round(found.waitedMs / 1000)} s`;
  const delivered: CheckResult =
    arrived === total
      ? {
          id: 'delivery',
          title: 'Probe contacts delivered to S3',
          status: 'pass',
          detail: `${total} of ${total} in s3://${ctx.outputs.DataBucketName}/${prefixes(ctx).data.join(', ')} after ${seconds}`,
        }
      : {
          id: 'delivery',
          title: 'Probe contacts delivered to S3',
          status: 'fail',
          detail: `${arrived} of ${total} arrived within ${seconds}`,
          next: `Look at the dedup function's log group (/aws/lambda/${ctx.outputs.DedupFunctionName}) and the Firehose errors under s3://${ctx.outputs.DataBucketName}/firehose-errors/; rerun with a longer --wait if Firehose buffers longer.`,
        };
  const extra = counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const copies: CheckResult =
    arrived === 0
      ? {
          id: 'copies',
          title: 'Exact copies dropped',
          status: 'fail',
          detail: 'nothing delivered, so nothing to check',
          next: 'Fix the delivery first (see above).',
        }
      : extra === 0
        ? {
            id: 'copies',
            title: 'Exact copies dropped',
            status: 'pass',
            detail: `each of ${arrived} delivered contacts is in S3 once; ${total} copies dropped`,
          }
        : {
            id: 'copies',
            title: 'Exact copies dropped',
            status: 'fail',
            detail: `${extra} exact copies were delivered`,
            next: `The dedup function let copies through: check its claims table and its log group (/aws/lambda/${ctx.outputs.DedupFunctionName}).`,
          };
  const quarantine: CheckResult = found.quarantined
    ? {
        id: 'quarantine',
        title: 'Malformed record quarantined',
        status: 'pass',
        detail: `in s3://${ctx.outputs.QuarantineBucketName}/${prefixes(ctx).quarantine.join(', ')}`,
      }
    : {
        id: 'quarantine',
        title: 'Malformed record quarantined',
        status: 'fail',
        detail: `not in s3://${ctx.outputs.QuarantineBucketName}/${prefixes(ctx).quarantine.join(', ')} within ${seconds}`,
        next: `Check the dedup function's log group (/aws/lambda/${ctx.outputs.DedupFunctionName}) for quarantine errors (s3:PutObject denied?).`,
      };
  return [delivered, copies, quarantine];
}
