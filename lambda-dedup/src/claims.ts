import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLAIM_ATTR } from './constants';

/**
 * The claim protocol: one conditional PutItem per distinct record on the normal path.
 *
 * Why not Powertools' idempotency utility: it closes the "claimed but not delivered" gap with an
 * in-progress item and a second write on completion, two writes per new record. Here the claim records
 * which stream record made it (`claimedBy` = `<shardId>:<sequenceNumber>`), so when the stream presents
 * that same record again (timeout, crash, partial-batch retry) its own claim is recognised and the record
 * is delivered instead of being dropped as a copy of itself. A copy arriving as another stream record
 * fails the condition and is dropped.
 *
 * The second write happens only off the normal path:
 * - a record Firehose would not take has its claim released, so a re-drive of it under a new sequence
 *   number is not blocked;
 * - a delivered record that a partial-batch retry will present again (it lies after the lowest failed
 *   sequence number) gets a delivery receipt, so the retry drops it instead of delivering it twice.
 *
 * The window is enforced here, in the condition, because DynamoDB's TTL deletes expired items only
 * within days; `expiresAt` is also the TTL attribute, so the table does not grow without bound.
 */

/** `claimed`: deliver the record. `duplicate`: another stream record holds a live claim, or it was delivered. */
export type ClaimOutcome = 'claimed' | 'duplicate';

/** One claim attempt. */
export interface ClaimRequest {
  readonly fingerprint: string;
  /** `<shardId>:<sequenceNumber>` of the stream record claiming. */
  readonly claimant: string;
  /** Epoch seconds. */
  readonly now: number;
  readonly windowSeconds: number;
}

const CLAIM_CONDITION =
  'attribute_not_exists(#fp) OR #expiresAt <= :now OR (#claimedBy = :claimant AND attribute_not_exists(#deliveredAt))';

/** Claims a fingerprint. Throws on anything but a failed condition (throttling included: never a duplicate). */
export async function claim(client: DynamoDBClient, tableName: string, request: ClaimRequest): Promise<ClaimOutcome> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [CLAIM_ATTR.fingerprint]: { S: request.fingerprint },
          [CLAIM_ATTR.expiresAt]: { N: String(request.now + request.windowSeconds) },
          [CLAIM_ATTR.claimedBy]: { S: request.claimant },
          [CLAIM_ATTR.claimedAt]: { N: String(request.now) },
        },
        ConditionExpression: CLAIM_CONDITION,
        ExpressionAttributeNames: {
          '#fp': CLAIM_ATTR.fingerprint,
          '#expiresAt': CLAIM_ATTR.expiresAt,
          '#claimedBy': CLAIM_ATTR.claimedBy,
          '#deliveredAt': CLAIM_ATTR.deliveredAt,
        },
        ExpressionAttributeValues: { ':now': { N: String(request.now) }, ':claimant': { S: request.claimant } },
      }),
    );
    return 'claimed';
  } catch (error) {
    if (isConditionFailure(error)) return 'duplicate';
    throw error;
  }
}

/**
 * Gives up a claim whose record could not be delivered. Only this claimant's own, undelivered claim is
 * removed; losing the race to another claimant is not an error.
 */
export async function releaseClaim(client: DynamoDBClient, tableName: string, fingerprint: string, claimant: string): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { [CLAIM_ATTR.fingerprint]: { S: fingerprint } },
        ConditionExpression: '#claimedBy = :claimant AND attribute_not_exists(#deliveredAt)',
        ExpressionAttributeNames: { '#claimedBy': CLAIM_ATTR.claimedBy, '#deliveredAt': CLAIM_ATTR.deliveredAt },
        ExpressionAttributeValues: { ':claimant': { S: claimant } },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Records that this claimant's record was delivered, so a retry of it is dropped rather than resent. */
export async function recordDelivery(
  client: DynamoDBClient,
  tableName: string,
  fingerprint: string,
  claimant: string,
  now: number,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { [CLAIM_ATTR.fingerprint]: { S: fingerprint } },
      UpdateExpression: 'SET #deliveredAt = :now',
      ConditionExpression: '#claimedBy = :claimant',
      ExpressionAttributeNames: { '#claimedBy': CLAIM_ATTR.claimedBy, '#deliveredAt': CLAIM_ATTR.deliveredAt },
      ExpressionAttributeValues: { ':claimant': { S: claimant }, ':now': { N: String(now) } },
    }),
  );
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
