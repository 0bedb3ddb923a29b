import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Sleep } from '../../lambda-common/backoff';
import type { DedupConfig } from './config';
import { DEDUP_ENV, DEDUP_METRICS, DEDUP_SERVICE_NAME, METRICS_NAMESPACE } from './constants';
import { ConfigurationError } from './errors';
import { type BatchReport, processBatch } from './processBatch';
import type { KeySource } from './pseudonymization-key';
import { createPseudonymizer, type Pseudonymize } from './pseudonymize';

/** What the dedup handler needs: its AWS clients and its validated configuration. */
export interface DedupDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
  readonly config: DedupConfig;
  /** @default a Powertools Logger for service `ctr-dedup` */
  readonly logger?: Logger;
  /** @default Powertools Metrics, namespace from POWERTOOLS_METRICS_NAMESPACE or `CallCenterAnalytics` */
  readonly metrics?: Metrics;
  readonly clock?: () => number;
  readonly sleep?: Sleep;
  /** The pseudonymization key; required when `config.pseudonymize` is `on`. @default none */
  readonly pseudonymizationKey?: KeySource;
}

/** The Lambda handler's type: a Kinesis batch in, the records to retry out. */
export type DedupHandler = (event: KinesisStreamEvent, context?: Context) => Promise<KinesisStreamBatchResponse>;

/**
 * Builds the dedup Lambda handler around injected clients; the Lambda entry point injects clients from
 * the default credential and endpoint chain, the local pipeline injects its own.
 */
export function createDedupHandler(deps: DedupDependencies): DedupHandler {
  const logger = deps.logger ?? new Logger({ serviceName: DEDUP_SERVICE_NAME });
  const metrics =
    deps.metrics ??
    new Metrics({
      serviceName: DEDUP_SERVICE_NAME,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    });
  let coldStart = true;
  if (deps.config.pseudonymize === 'on' && !deps.pseudonymizationKey) {
    throw new ConfigurationError([
      `${DEDUP_ENV.pseudonymizationSecretId} is required while ${DEDUP_ENV.pseudonymize} is on`,
    ]);
  }
  let pseudonymize: Pseudonymize | undefined;

  return async (event, context) => {
    if (context) logger.addContext(context);
    if (coldStart) {
      metrics.captureColdStartMetric();
      coldStart = false;
    }
    try {
      // The invocation's deadline is the lease of its claims: past it, Lambda has stopped the invocation.
      const deadline = context?.getRemainingTimeInMillis
        ? (deps.clock ?? Date.now)() + context.getRemainingTimeInMillis()
        : undefined;
      // Fail closed: without the key the whole batch fails and the stream retries it; nothing goes out in clear.
      if (deps.pseudonymizationKey && deps.config.pseudonymize === 'on') {
        pseudonymize ??= createPseudonymizer(await deps.pseudonymizationKey(), deps.config.pseudonymizedPaths);
      }
      const report = await processBatch(event.Records ?? [], { ...deps, log: logger, deadline, pseudonymize });
      emitMetrics(metrics, report);
      logger.info('Batch processed', summary(report));
      return { batchItemFailures: report.batchItemFailures };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** Counts only: the summary is safe to log. */
export function summary(report: BatchReport): Record<string, number> {
  return {
    recordsIn: report.recordsIn,
    forwarded: report.forwarded.length,
    duplicatesInBatch: report.duplicatesInBatch,
    duplicatesStored: report.duplicatesStored,
    quarantined: report.quarantined.length,
    failed: report.failed.length,
    resends: report.resends,
    receiptFailures: report.receiptFailures,
  };
}

function emitMetrics(metrics: Metrics, report: BatchReport): void {
  const counts: [string, number][] = [
    [DEDUP_METRICS.recordsIn, report.recordsIn],
    [DEDUP_METRICS.forwarded, report.forwarded.length],
    [DEDUP_METRICS.duplicatesInBatch, report.duplicatesInBatch],
    [DEDUP_METRICS.duplicatesStored, report.duplicatesStored],
    [DEDUP_METRICS.quarantined, report.quarantined.length],
    [DEDUP_METRICS.resends, report.resends],
    [DEDUP_METRICS.failures, report.failed.length],
    [DEDUP_METRICS.receiptFailures, report.receiptFailures],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
}
