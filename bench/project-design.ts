import { createClaimsTable } from '../local/tables';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEDUP_SDK_SETTINGS } from '../lambda-dedup/src/clients';
import { loadConfig } from '../lambda-dedup/src/config';
import { DEDUP_ENV } from '../lambda-dedup/src/constants';
import { createDedupHandler } from '../lambda-dedup/src/handler';
import { keyFromString, staticKey } from '../lambda-dedup/src/pseudonymization-key';
import { LOCAL_PSEUDONYMIZATION_KEY } from '../local/environment';
import type { DedupDesign } from './design';

/**
 * This project's dedup handler, unchanged, with its default configuration (canonical fingerprints,
 * 16 claims in flight, one batch receipt per invocation). Logs at WARN and metrics disabled,
 * as the local pipeline runs it; the per-batch EMF line is not what is being compared.
 */
export const projectDesign: DedupDesign = {
  id: 'project',
  label: 'this project (one conditional PutItem per distinct record, PutRecordBatch)',
  sdkSettings: DEDUP_SDK_SETTINGS,
  createTable: createClaimsTable,
  build(clients, targets) {
    const config = loadConfig({
      [DEDUP_ENV.tableName]: targets.tableName,
      [DEDUP_ENV.deliveryStreamName]: targets.deliveryStreamName,
      [DEDUP_ENV.quarantineBucketName]: targets.bucketName,
    });
    return createDedupHandler({
      ...clients,
      config,
      pseudonymizationKey: staticKey(keyFromString(LOCAL_PSEUDONYMIZATION_KEY, 'the local key')),
      logger: new Logger({ serviceName: 'ctr-dedup-bench', logLevel: 'WARN' }),
      metrics: new Metrics({ serviceName: 'ctr-dedup-bench', namespace: 'Bench' }),
    });
  },
};
