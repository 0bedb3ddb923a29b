import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR } from './constants';
import { ClaimContentionError } from './errors';

/**
 * The claim protocol: one conditional PutItem per distinct record on the normal path, plus one batch
 * receipt per invocation.
 *
 * Why not Powertools' idempotency utility: it closes the "claimed but not delivered" gap with an
 * in-progress item and a second write per record on completion. Here the claim records which stream
 * record made it (`claimedBy` = `<shardId>:<sequenceNumber>`) and in which batch (`batchId`). When the
 * stream presents that same record again, the failed condition returns the existing claim; it is this
 * record's own, so the question is only whether it was delivered:
 * - its batch's receipt says so (the invocation finished; the batch came back as a redelivery or replay),
 *   or the claim carries `deliveredAt` (it was delivered after a failure in its batch): drop it;
 * - otherwise it was claimed and never delivered (timeout, crash, Firehose failure): deliver it now.
 * A copy arriving as another stream record finds someone else's claim and is dropped.
 *
 * The window is enforced in the condition, because DynamoDB's TTL deletes expired items only within
 * days; `expiresAt` is also the TTL attribute, so claims and receipts do not accumulate.
 */

/** `claimed`: new claim. `own`: this record's own claim, never delivered. `duplicate`: drop it. */
export type ClaimOutcome = 'claimed' | 'own' | 'duplicate';

/** One claim attempt. */
export interface ClaimRequest {
  readonly fingerprint: string;
  /** `<shardId>:<sequenceNumber>` of the stream record claiming. */
  readonly claimant: string;
  readonly sequenceNumber: string;
  /** Id of the invocation's batch. */
  readonly batchId: string;
  /** Epoch seconds. */
  readonly now: number;
  readonly windowSeconds: number;
}

/** Looks up batch receipts, each once per invocation. */
export type ReceiptLookup = (batchId: string) => Promise<BatchReceipt | undefined>;

/** What a finished invocation recorded about its batch. */
export interface BatchReceipt {
  /** Records of the batch below this sequence number were all handled; absent: the whole batch was. */
  readonly failedFrom?: string;
}

const key = (value: string): Record<string, AttributeValue> => ({ [CLAIM_ATTR.fingerprint]: { S: value } });

/** Claims a fingerprint. Throws on anything but a failed condition (throttling included: never a duplicate). */
export async function claim(
  client: DynamoDBClient,
  tableName: string,
  request: ClaimRequest,
  receipts: ReceiptLookup,
  attempt = 1,
): Promise<ClaimOutcome> {
  let existing: Record<string, AttributeValue> | undefined;
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...key(request.fingerprint),
          [CLAIM_ATTR.expiresAt]: { N: String(request.now + request.windowSeconds) },
          [CLAIM_ATTR.claimedBy]: { S: request.claimant },
          [CLAIM_ATTR.claimedAt]: { N: String(request.now) },
          [CLAIM_ATTR.batchId]: { S: request.batchId },
        },
        ConditionExpression: 'attribute_not_exists(#fp) OR #expiresAt <= :now',
        ExpressionAttributeNames: { '#fp': CLAIM_ATTR.fingerprint, '#expiresAt': CLAIM_ATTR.expiresAt },
        ExpressionAttributeValues: { ':now': { N: String(request.now) } },
        // Saves a read on every copy; servers that ignore it (dynalite) fall back to GetItem below.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    existing = (error as { Item?: Record<string, AttributeValue> }).Item;
  }
  existing ??= (await client.send(new GetItemCommand({ TableName: tableName, Key: key(request.fingerprint), ConsistentRead: true }))).Item;
  if (!existing) {
    // Released by its claimant between our write and our read: claim it afresh.
    if (attempt < 3) return claim(client, tableName, request, receipts, attempt + 1);
    throw new ClaimContentionError(request.fingerprint);
  }
  if (existing[CLAIM_ATTR.claimedBy]?.S !== request.claimant || existing[CLAIM_ATTR.deliveredAt]) return 'duplicate';
  const batchId = existing[CLAIM_ATTR.batchId]?.S;
  const receipt = batchId ? await receipts(batchId) : undefined;
  const delivered = receipt !== undefined && (receipt.failedFrom === undefined || BigInt(request.sequenceNumber) < BigInt(receipt.failedFrom));
  return delivered ? 'duplicate' : 'own';
}

/** A receipt lookup that reads each batch's receipt at most once. */
export function receiptLookup(client: DynamoDBClient, tableName: string): ReceiptLookup {
  const cache = new Map<string, Promise<BatchReceipt | undefined>>();
  return (batchId) => {
    let found = cache.get(batchId);
    if (!found) {
      found = client
        .send(new GetItemCommand({ TableName: tableName, Key: key(BATCH_RECEIPT_PREFIX + batchId), ConsistentRead: true }))
        .then(({ Item }) => (Item ? { failedFrom: Item[CLAIM_ATTR.failedFrom]?.S } : undefined));
      found.catch(() => cache.delete(batchId));
      cache.set(batchId, found);
    }
    return found;
  };
}

/**
 * Records that an invocation finished its batch: every delivered record below `failedFrom` (all of them
 * when nothing failed) was delivered, and will be dropped if the batch is presented again.
 */
export async function writeBatchReceipt(
  client: DynamoDBClient,
  tableName: string,
  receipt: { batchId: string; failedFrom?: string; now: number; windowSeconds: number },
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        ...key(BATCH_RECEIPT_PREFIX + receipt.batchId),
        [CLAIM_ATTR.expiresAt]: { N: String(receipt.now + receipt.windowSeconds) },
        [CLAIM_ATTR.claimedAt]: { N: String(receipt.now) },
        ...(receipt.failedFrom ? { [CLAIM_ATTR.failedFrom]: { S: receipt.failedFrom } } : {}),
      },
    }),
  );
}

/**
 * Gives up a claim whose record could not be delivered, so a re-drive of the record under a new sequence
 * number is not taken for a copy. Only this claimant's own, undelivered claim is removed.
 */
export async function releaseClaim(client: DynamoDBClient, tableName: string, fingerprint: string, claimant: string): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: key(fingerprint),
        ConditionExpression: '#claimedBy = :claimant AND attribute_not_exists(#deliveredAt)',
        ExpressionAttributeNames: { '#claimedBy': CLAIM_ATTR.claimedBy, '#deliveredAt': CLAIM_ATTR.deliveredAt },
        ExpressionAttributeValues: { ':claimant': { S: claimant } },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Marks one record delivered. Used for records after the lowest failure of a batch, which the batch
 * receipt does not cover and the retry presents again.
 */
export async function recordDelivery(client: DynamoDBClient, tableName: string, fingerprint: string, claimant: string, now: number): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: key(fingerprint),
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
