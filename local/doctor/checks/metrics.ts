import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DEDUP_METRICS } from '../../../lambda-dedup/src/constants';
import type { CheckResult, DoctorContext } from '../types';

/** Namespace and `service` dimension of the dedup function's metrics (the stack sets them; see lib/dedup-function.ts). */
export interface MetricsIdentity {
  readonly namespace: string;
  readonly service: string;
}

const WATCHED = {
  recordsIn: DEDUP_METRICS.recordsIn,
  duplicatesInBatch: DEDUP_METRICS.duplicatesInBatch,
  duplicatesStored: DEDUP_METRICS.duplicatesStored,
  quarantined: DEDUP_METRICS.quarantined,
} as const;

/** Sums of the watched metrics since the run started. */
async function sums(ctx: DoctorContext, identity: MetricsIdentity): Promise<Record<keyof typeof WATCHED, number>> {
  const queries: MetricDataQuery[] = Object.entries(WATCHED).map(([id, name]) => ({
    Id: id.toLowerCase(),
    MetricStat: {
      Metric: {
        Namespace: identity.namespace,
        MetricName: name,
        Dimensions: [{ Name: 'service', Value: identity.service }],
      },
      Period: 60,
      Stat: 'Sum',
    },
  }));
  const start = new Date(Math.floor((ctx.startedAt - 60_000) / 60_000) * 60_000);
  const { MetricDataResults = [] } = await ctx.clients.cloudwatch.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: start,
      EndTime: new Date(ctx.timing.now() + 60_000),
    }),
  );
  const total = (id: string) => (MetricDataResults.find((r) => r.Id === id)?.Values ?? []).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.keys(WATCHED).map((k) => [k, total(k.toLowerCase())])) as Record<
    keyof typeof WATCHED,
    number
  >;
}

/**
 * The dedup metrics reached CloudWatch for this run: records in, duplicates dropped and the quarantined record,
 * at least the probes' counts (other traffic may add to them). Waits for them (metrics take a minute or two).
 */
export async function metricsCheck(ctx: DoctorContext, identity: MetricsIdentity): Promise<CheckResult> {
  const sent = ctx.probes.payload.records.length;
  const copies = ctx.probes.records.length;
  const started = ctx.timing.now();
  const title = `Dedup metrics in CloudWatch (${identity.namespace}, service=${identity.service})`;
  for (;;) {
    const s = await sums(ctx, identity);
    const duplicates = s.duplicatesInBatch + s.duplicatesStored;
    const detail = `RecordsIn ${s.recordsIn}, duplicates ${duplicates}, RecordsQuarantined ${s.quarantined} since the run started`;
    if (s.recordsIn >= sent && duplicates >= copies && s.quarantined >= 1)
      return { id: 'metrics', title, status: 'pass', detail };
    const waited = ctx.timing.now() - started;
    if (waited >= ctx.timing.metricsTimeoutMs) {
      return {
        id: 'metrics',
        title,
        status: 'fail',
        detail: `${detail}; expected at least ${sent}, ${copies} and 1`,
        next: `Check the dedup function's log group (/aws/lambda/${ctx.outputs.DedupFunctionName}) for its embedded-metric lines and errors; metrics can lag, so rerun in a few minutes.`,
      };
    }
    ctx.progress(
      `waiting for the dedup metrics in CloudWatch (${Math.round(waited / 1000)} s of ${Math.round(ctx.timing.metricsTimeoutMs / 1000)} s)`,
    );
    await ctx.timing.sleep(ctx.timing.pollIntervalMs);
  }
}
