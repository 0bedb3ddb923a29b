import { DEDUP_ENV } from '../lambda-dedup/src/constants';
import { LOCAL_PSEUDONYMIZATION_KEY } from '../local/environment';
import { createClaimsTable } from '../local/tables';
import type { DedupDesign } from './design';
import { loadProjectBundle, type ProjectBundle } from './project-bundle';
import * as fromSource from './project-entry';

/** The project's design, its handler taken from `modules` (loaded on first build). */
const designWith = (modules: () => ProjectBundle): DedupDesign => ({
  id: 'project',
  label: 'this project (claims in batches of 25 statements, PutRecordBatch)',
  createTable: createClaimsTable,
  build(clients, targets) {
    const { createDedupHandler, keyFromString, loadConfig, Logger, Metrics, staticKey, withoutSdkCallLogging } =
      modules();
    const config = loadConfig({
      [DEDUP_ENV.tableName]: targets.tableName,
      [DEDUP_ENV.deliveryStreamName]: targets.deliveryStreamName,
      [DEDUP_ENV.quarantineBucketName]: targets.bucketName,
    });
    // The clients as `createDedupClients` tunes them for the function (the benchmark's own endpoints and retries).
    return createDedupHandler({
      dynamodb: withoutSdkCallLogging(clients.dynamodb),
      firehose: withoutSdkCallLogging(clients.firehose),
      s3: withoutSdkCallLogging(clients.s3),
      config,
      pseudonymizationKey: staticKey(keyFromString(LOCAL_PSEUDONYMIZATION_KEY, 'the local key')),
      logger: new Logger({ serviceName: 'ctr-dedup-bench', logLevel: 'WARN' }),
      metrics: new Metrics({ serviceName: 'ctr-dedup-bench', namespace: 'Bench' }),
    });
  },
});

/**
 * This project's dedup handler, unchanged and bundled as the stack deploys it (`project-bundle.ts`), with its
 * default configuration (canonical fingerprints, claims in batches of 25 statements, one batch receipt per
 * invocation). Logs at WARN and metrics disabled, as the local pipeline runs
 * it; the per-batch EMF line is not what is being compared.
 */
export const projectDesign: DedupDesign = designWith(loadProjectBundle);

/** The same handler run from its sources (under tsx), for CPU profiles: their breakdown goes by source file. */
export const projectDesignFromSource: DedupDesign = designWith(() => fromSource);
