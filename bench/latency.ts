import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Adds a fixed delay before every call of the client, as a region's round trip would (about 5 ms from
 * Lambda to DynamoDB in the same region). Added at `finalizeRequest`, after the retry strategy, so each
 * attempt pays it.
 */
export function injectLatency(client: DynamoDBClient, ms: number): void {
  if (ms <= 0) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchLatency', override: true },
  );
}
