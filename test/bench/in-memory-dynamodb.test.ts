import { CreateTableCommand, DeleteItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inMemoryDynamoDbClient } from '../../bench/stubs/in-memory-transport';
import { startDynalite } from './helpers';

// The claim condition of lambda-dedup/src/claims.ts and Powertools' put condition, as they send them.
const CLAIM = 'attribute_not_exists(#fp) OR #expiresAt <= :now OR (#claimedBy = :claimant AND attribute_not_exists(#deliveredAt))';
const POWERTOOLS = 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)';
const claimNames = { '#fp': 'pk', '#expiresAt': 'expiresAt', '#claimedBy': 'claimedBy', '#deliveredAt': 'deliveredAt' };
const ptNames = { '#id': 'pk', '#expiry': 'expiry', '#status': 'status', '#in_progress_expiry': 'ipx' };

const claim = (pk: string, claimant: string, now: number) =>
  new PutItemCommand({
    TableName: 'tbl',
    Item: { pk: { S: pk }, expiresAt: { N: String(now + 100) }, claimedBy: { S: claimant } },
    ConditionExpression: CLAIM,
    ExpressionAttributeNames: claimNames,
    ExpressionAttributeValues: { ':now': { N: String(now) }, ':claimant': { S: claimant } },
  });
const ptPut = (pk: string, now: number) =>
  new PutItemCommand({
    TableName: 'tbl',
    Item: { pk: { S: pk }, expiry: { N: String(now + 100) }, status: { S: 'INPROGRESS' }, ipx: { N: String(now * 1000 + 5000) } },
    ConditionExpression: POWERTOOLS,
    ExpressionAttributeNames: ptNames,
    ExpressionAttributeValues: { ':now': { N: String(now) }, ':now_in_millis': { N: String(now * 1000) }, ':inprogress': { S: 'INPROGRESS' } },
  });

/** A script of writes whose outcomes depend on every branch of both conditions. */
const script = [
  claim('a', 's:1', 1000), // new: succeeds
  claim('a', 's:2', 1001), // another claimant, live claim: fails
  claim('a', 's:1', 1002), // own claim again: succeeds
  new UpdateItemCommand({
    TableName: 'tbl',
    Key: { pk: { S: 'a' } },
    UpdateExpression: 'SET #deliveredAt = :now',
    ConditionExpression: '#claimedBy = :claimant',
    ExpressionAttributeNames: { '#deliveredAt': 'deliveredAt', '#claimedBy': 'claimedBy' },
    ExpressionAttributeValues: { ':now': { N: '1003' }, ':claimant': { S: 's:1' } },
  }),
  claim('a', 's:1', 1004), // own claim but delivered: fails
  claim('a', 's:3', 1200), // expired: succeeds
  new DeleteItemCommand({
    TableName: 'tbl',
    Key: { pk: { S: 'a' } },
    ConditionExpression: '#claimedBy = :claimant',
    ExpressionAttributeNames: { '#claimedBy': 'claimedBy' },
    ExpressionAttributeValues: { ':claimant': { S: 's:9' } },
  }), // not this claimant's: fails
  ptPut('p', 2000), // new: succeeds
  ptPut('p', 2001), // in progress, not expired: fails
  ptPut('p', 2006), // in-progress expiry passed: succeeds
  ptPut('p', 2200), // expired: succeeds
];

async function outcomes(client: DynamoDBClient): Promise<string[]> {
  await client.send(
    new CreateTableCommand({
      TableName: 'tbl',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const results: string[] = [];
  for (const command of script) {
    try {
      await client.send(command as PutItemCommand);
      results.push('ok');
    } catch (error) {
      results.push((error as Error).name);
    }
  }
  return results;
}

describe('in-memory DynamoDB', () => {
  it('decides every conditional write of the script as dynalite does', async () => {
    const dynalite = await startDynalite();
    try {
      const expected = await outcomes(dynalite.client);
      expect(expected).toEqual(['ok', 'ConditionalCheckFailedException', 'ok', 'ok', 'ConditionalCheckFailedException', 'ok', 'ConditionalCheckFailedException', 'ok', 'ConditionalCheckFailedException', 'ok', 'ok']);
      expect(await outcomes(inMemoryDynamoDbClient().client)).toEqual(expected);
    } finally {
      await dynalite.stop();
    }
  });

  it('returns the existing item with a failed condition when ALL_OLD is asked for, as DynamoDB does', async () => {
    const { client } = inMemoryDynamoDbClient();
    await outcomes(client).catch(() => undefined);
    const failed = await client
      .send(
        new PutItemCommand({
          TableName: 'tbl',
          Item: { pk: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: { Item?: unknown }) => error);
    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { pk: { S: 'a' }, claimedBy: { S: 's:3' } } });
  });
});
