import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { claim } from '../../lambda-dedup/src/claims';
import { CLAIM_ATTR } from '../../lambda-dedup/src/constants';

const ddbMock = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const request = { fingerprint: 'f'.repeat(64), claimant: 'shardId-000000000000:1', now: 1_700_000_000, windowSeconds: 3600 };

beforeEach(() => ddbMock.reset());

describe('claim', () => {
  test('writes one conditional item whose expiry is now + window, in epoch seconds', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await expect(claim(client, 'dedup', request)).resolves.toBe('claimed');
    const input = ddbMock.commandCalls(PutItemCommand)[0].args[0].input;
    expect(input.Item).toEqual({
      [CLAIM_ATTR.fingerprint]: { S: request.fingerprint },
      [CLAIM_ATTR.expiresAt]: { N: '1700003600' },
      [CLAIM_ATTR.claimedBy]: { S: request.claimant },
      [CLAIM_ATTR.claimedAt]: { N: '1700000000' },
    });
    // The window lives in the condition: an expired item that TTL has not deleted yet does not count.
    expect(input.ConditionExpression).toContain('#expiresAt <= :now');
    expect(input.ExpressionAttributeValues![':now']).toEqual({ N: '1700000000' });
  });

  test('a failed condition is a duplicate', async () => {
    ddbMock.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(claim(client, 'dedup', request)).resolves.toBe('duplicate');
  });

  test('throttling is an error, never a duplicate', async () => {
    ddbMock.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    await expect(claim(client, 'dedup', request)).rejects.toThrow(ProvisionedThroughputExceededException);
  });
});
