import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from './config';
import { createDedupHandler } from './handler';
import { secretsManagerKey } from './pseudonymization-key';

// Configuration is validated at cold start: a misconfigured function fails before touching a record.
const config = loadConfig(process.env);

/** The Lambda entry point. Clients take region, credentials and endpoints from the standard SDK chain. */
export const handler = createDedupHandler({
  config,
  // Throttled claims are retried by the SDK (adaptive mode backs off the whole client); what still fails
  // is reported to the stream as a batch item failure, never as a duplicate.
  dynamodb: new DynamoDBClient({ maxAttempts: 5, retryMode: 'adaptive' }),
  firehose: new FirehoseClient({}),
  s3: new S3Client({}),
  pseudonymizationKey: config.pseudonymizationSecretId ? secretsManagerKey(new SecretsManagerClient({}), config.pseudonymizationSecretId) : undefined,
});
