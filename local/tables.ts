import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLAIM_ATTR } from '../lambda-dedup/src/constants';

/** Creates an on-demand table with one string partition key, as the stack's tables are. */
export async function createHashKeyTable(dynamodb: DynamoDBClient, tableName: string, keyName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** Creates the dedup function's claims table (partition key `fp`), as `lib/dedup-table.ts` does in AWS. */
export const createClaimsTable = (dynamodb: DynamoDBClient, tableName: string): Promise<void> =>
  createHashKeyTable(dynamodb, tableName, CLAIM_ATTR.fingerprint);
