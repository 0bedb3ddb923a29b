import { startDynamoDbLocal } from '../../local/servers/dynamodb-local';
import type { RunningServer } from '../../local/servers/listen';

/** Environment variable through which test files find the run's shared DynamoDB Local. */
export const DYNAMODB_LOCAL_ENDPOINT_VAR = 'CTR_TEST_DYNAMODB_LOCAL_ENDPOINT';

const holder = globalThis as { ctrDynamoDbLocal?: RunningServer };

/**
 * Jest globalSetup: one DynamoDB Local for the whole run (it takes seconds to start, a Java process).
 * Workers inherit the endpoint through the environment; each test client gets a database of its own
 * (see `localDynamoDbClient`'s namespace).
 */
export default async function setup(): Promise<void> {
  const server = await startDynamoDbLocal();
  holder.ctrDynamoDbLocal = server;
  process.env[DYNAMODB_LOCAL_ENDPOINT_VAR] = server.endpoint;
}

/** Jest globalTeardown. */
export async function teardown(): Promise<void> {
  await holder.ctrDynamoDbLocal?.close();
}
