import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { claim, type ReceiptLookup, releaseClaim } from '../../lambda-dedup/src/claims';
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
  leaseMarginMs: 0,
  takeOverStale: true,
};
const LIVE = { [CLAIM_ATTR.leaseUntil]: { N: '1700000001000' } };
const noReceipts: ReceiptLookup = async () => undefined;
const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }), {
    Item: item,
  });
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
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem('shardId-000000000000:3', LIVE)));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  test('a server that does not return the old item is asked with a consistent read', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed());
    ddbMock.on(GetItemCommand).resolves({ Item: claimItem('shardId-000000000000:3', LIVE) });
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(GetItemCommand)[0].args[0].input.ConsistentRead).toBe(true);
  });

  test("this record's own claim, undelivered, whose holder's lease is over, is taken over and delivered", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant)));
    ddbMock.on(UpdateItemCommand).resolves({});
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('own');
    const takeover = ddbMock.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(takeover.ExpressionAttributeValues).toMatchObject({
      ':batchId': { S: request.batchId },
      ':seenLease': { N: '1699999999000' },
    });
    expect(takeover.ConditionExpression).toContain('#leaseUntil = :seenLease');
  });

  test("this record's own claim held by an invocation whose lease still runs is in progress, not delivered", async () => {
    ddbMock
      .on(PutItemCommand)
      .rejects(conditionFailed(claimItem(request.claimant, { [CLAIM_ATTR.leaseUntil]: { N: '1700000001000' } })));
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
    ddbMock
      .on(PutItemCommand)
      .rejects(conditionFailed(claimItem(request.claimant, { [CLAIM_ATTR.deliveredAt]: { N: '1' } })));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
  });

  test('throttling is an error, never a duplicate', async () => {
    ddbMock
      .on(PutItemCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    await expect(claim(client, 'dedup', request, noReceipts)).rejects.toThrow(ProvisionedThroughputExceededException);
  });
});

describe("another record's stale claim (finding 2) and the lease margin (finding 5)", () => {
  const other = 'shardId-000000000000:3';

  test('lease over, not delivered, no receipt: the copy takes the claim over and records itself as the claimant', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other)));
    ddbMock.on(UpdateItemCommand).resolves({});
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('own');
    const takeover = ddbMock.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(takeover.UpdateExpression).toContain('#claimedBy = :claimant');
    expect(takeover.ExpressionAttributeValues).toMatchObject({
      ':claimant': { S: request.claimant },
      ':seenClaimant': { S: other },
      ':seenLease': { N: '1699999999000' },
    });
    expect(takeover.ConditionExpression).toContain('#claimedBy = :seenClaimant AND attribute_not_exists(#deliveredAt)');
  });

  test("the holder's receipt covering the claiming record, or deliveredAt, keeps the copy a duplicate", async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other)));
    await expect(claim(client, 'dedup', request, async () => ({}))).resolves.toBe('duplicate');
    await expect(claim(client, 'dedup', request, async () => ({ failedFrom: '4' }))).resolves.toBe('duplicate');
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other, { [CLAIM_ATTR.deliveredAt]: { N: '1' } })));
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('a receipt that stops at or below the claiming record does not cover it: taken over', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other)));
    ddbMock.on(UpdateItemCommand).resolves({});
    await expect(claim(client, 'dedup', request, async () => ({ failedFrom: '3' }))).resolves.toBe('own');
  });

  test('losing the takeover to someone else leaves the copy a duplicate; with receipts off a copy is never taken over', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other)));
    ddbMock.on(UpdateItemCommand).rejects(conditionFailed());
    await expect(claim(client, 'dedup', request, noReceipts)).resolves.toBe('duplicate');
    ddbMock.reset();
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(other)));
    await expect(claim(client, 'dedup', { ...request, takeOverStale: false }, noReceipts)).resolves.toBe('duplicate');
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('a lease that ended less than the margin ago still holds the claim: in progress, with the time it ends', async () => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(claimItem(request.claimant)));
    let heldUntil: number | undefined;
    await expect(
      claim(client, 'dedup', { ...request, leaseMarginMs: 10_000, onHeld: (t) => (heldUntil = t) }, noReceipts),
    ).resolves.toBe('in-progress');
    expect(heldUntil).toBe(1_699_999_999_000 + 10_000);
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
    await expect(
      claim(client, 'dedup', { ...request, nowMs: 1_700_000_008_999, leaseMarginMs: 10_000 }, noReceipts),
    ).resolves.toBe('in-progress');
    ddbMock.on(UpdateItemCommand).resolves({});
    await expect(
      claim(client, 'dedup', { ...request, nowMs: 1_700_000_009_000, leaseMarginMs: 10_000 }, noReceipts),
    ).resolves.toBe('own');
  });
});

describe('releaseClaim (finding 4)', () => {
  test("when the delete fails, the lease is ended instead (leaseUntil = now), only on this invocation's undelivered claim", async () => {
    ddbMock
      .on(DeleteItemCommand)
      .rejects(Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));
    ddbMock.on(UpdateItemCommand).resolves({});
    await releaseClaim(client, 'dedup', request.fingerprint, request.batchId, request.nowMs);
    const end = ddbMock.commandCalls(UpdateItemCommand)[0].args[0].input;
    expect(end.UpdateExpression).toBe('SET #leaseUntil = :now');
    expect(end.ExpressionAttributeValues).toMatchObject({
      ':now': { N: String(request.nowMs) },
      ':batchId': { S: request.batchId },
    });
    expect(end.ConditionExpression).toBe('#batchId = :batchId AND attribute_not_exists(#deliveredAt)');
  });

  test("a claim that is no longer this invocation's is left alone; if ending the lease fails too, the error is thrown", async () => {
    ddbMock.on(DeleteItemCommand).rejects(conditionFailed());
    await releaseClaim(client, 'dedup', request.fingerprint, request.batchId, request.nowMs);
    expect(ddbMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
    ddbMock.on(DeleteItemCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    ddbMock.on(UpdateItemCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(releaseClaim(client, 'dedup', request.fingerprint, request.batchId, request.nowMs)).rejects.toThrow(
      'down',
    );
  });
});
