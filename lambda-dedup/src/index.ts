import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDedupClients } from './clients';
import { loadConfig } from './config';
import { createDedupHandler } from './handler';
import { secretsManagerKey } from './pseudonymization-key';

// Configuration is validated at cold start: a misconfigured function fails before touching a record.
const config = loadConfig(process.env);

/** The Lambda entry point. Clients take region, credentials and endpoints from the standard SDK chain. */
export const handler = createDedupHandler({
  config,
  ...createDedupClients(),
  pseudonymizationKey: config.pseudonymizationSecretId
    ? secretsManagerKey(new SecretsManagerClient({}), config.pseudonymizationSecretId)
    : undefined,
});
