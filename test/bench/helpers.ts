import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../local/clients';
import { startDynamoDb } from '../../local/servers/dynamodb';

/** The six records of samples/duplicated_samples.json (3 distinct), as compact JSON bytes. */
export const duplicatedSamples = (): Buffer[] =>
  (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'duplicated_samples.json'), 'utf8')) as unknown[]
  ).map((r) => Buffer.from(JSON.stringify(r)));

/** dynalite on a free port and a real SDK client for it. */
export async function startDynalite(): Promise<{ client: DynamoDBClient; stop: () => Promise<void> }> {
  const server = await startDynamoDb();
  const client = localDynamoDbClient(server.endpoint);
  return {
    client,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}
