import { DYNAMODB_LOCAL_ENDPOINT_VAR } from './setup/dynamodb-local';

/** The run's shared DynamoDB Local (started by jest's globalSetup). */
export function sharedDynamoDbLocal(): string {
  const endpoint = process.env[DYNAMODB_LOCAL_ENDPOINT_VAR];
  if (!endpoint)
    throw new Error('DynamoDB Local is not running: run the tests through jest (its globalSetup starts it).');
  return endpoint;
}
