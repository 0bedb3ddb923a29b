import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, ProvisionedThroughputExceededException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { claim, type ReceiptLookup } from '../../lambda-dedup/src/claims';
import { CLAIM_ATTR } from '../../lambda-dedup/src/constants';

const ddbMock = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const request = {
  fingerprint: 'f'.repeat(64),
  claimant: 'shardId-000000000000:15',
  sequenceNumber: '15',
  batchId: 'shardId-000000000000:10:20:invocation-b',
  nowMs: 1_700_000_000_000,
  leaseUntilMs: 1_700_000_060_000,
  windowSeconds: 3600,
};
const noReceipts: ReceiptLookup = async () => undefined;
const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }), { Item: item });
const claimItem = (claimedBy: string, extra: Record<string, unknown> = {}) => ({
  [CLAIM_ATTR.fingerprint]: { S: request.fingerprint },
  [CLAIM_ATTR.claimedBy]: { S: claimedBy },
  [CLAIM_ATTR.expiresAt]: { N: '1700003000' },
  [CLAIM_ATTR.batchId]: { S: 'shardId-000000000000:10:20:invocation-a' },
  [CLAIM_ATTR.leaseUntil]: { N: '1699999999000' },
  ...extra,
});

beforeEach(() => ddbMock.reset());

describe('claim', () => {
  test('writes one conditional item whose expiry is now + window, in epoch seconds', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('claimed');
    const input = ddbMock.commandCalls(PutItemCommand)[0].args[0].input;
    expect(input.Item).toEqual({
      [CLAIM_ATTR.fingerprint]: { S: request.fingerprint },
      [CLAIM_ATTR.expiresAt]: { N: '1700003600' },
      [CLAIM_ATTR.claimedBy]: { S: request.claimant },
      [CLAIM_ATTR.claimedAt]: { N: '1700000000' },
      [CLAIM_ATTR.batchId]: { S: request.batchId },
      [CLAIM_ATTR.leaseUntil]: { N: '1700000060000' },
    });
    // The window lives in the condition: an expired item that TTL has not deleted yet does not count.
    expect(input.ConditionExpression).toBe('attribute_not_exists(#fp) OR #expiresAt <= :now');
    expect(input.ExpressionAttributeValues![':now']).toEqual({ N: '1700000000' });
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  test("another record's live claim makes a duplicate, read from the failed write with no extra call", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem('shardId-000000000000:3')));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  test('a server that does not return the old item is asked with a consistent read', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed());
    ddbMock.on(GetItemCommand).resolves({ Item: claimItem('shardId-000000000000:3') });
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(GetItemCommand)[0].args[0].input.ConsistentRead).toBe(true);
  });

  test("this record's own claim, undelivered, whose holder's lease is over, is taken over and delivered", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant)));
    ddbMock.on(UpdateItemCommand).resolves({});
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('own');
    const takeover = ddbMock.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(takeover.ExpressionAttributeValues).toMatchObject({ ':batchId': { S: request.batchId }, ':seenLease': { N: '1699999999000' } });
    expect(takeover.ConditionExpression).toContain('#leaseUntil = :seenLease');
  });

  test("this record's own claim held by an invocation whose lease still runs is in progress, not delivered", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant, { [CLAIM_ATTR.leaseUntil]: { N: '1700000001000' } })));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('in-progress');
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('losing a takeover race to another invocation is in progress', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant)));
    ddbMock.on(UpdateItemCommand).rejects(conditionFailed());
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('in-progress');
  });

  test("this record's own claim is a duplicate once its batch receipt covers it, or it carries deliveredAt", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant)));
    await expect(claim(client, 'dedup', request, async () => ({}))).resolves.toBe('duplicate');
    await expect(claim(client, 'dedup', request, async () => ({ failedFrom: '16' }))).resolves.toBe('duplicate');
    await expect(claim(client, 'dedup', request, async () => ({ failedFrom: '15' }))).resolves.toBe('own');
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant, { [CLAIM_ATTR.deliveredAt]: { N: '1' } })));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
  });

  test('throttling is an error, never a duplicate', async () => {
    ddbMock.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    await expect(claim(client, 'dedup', request, noReceipts)).rejects.toThrow(ProvisionedThroughputExceededException);
  });
});
