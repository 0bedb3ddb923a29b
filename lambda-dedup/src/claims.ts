import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR } from './constants';
import { ClaimContentionError } from './errors';

/**
 * The claim protocol: one conditional PutItem per distinct record on the normal path, plus one batch
 * receipt per invocation. It is told once, with why each rule is there, in docs/dedup-protocol.md.
 */

/**
 * `claimed`: new claim. `own`: this record's abandoned claim, now taken over. `duplicate`: drop it.
 * `in-progress`: another live invocation holds this record's claim.
 */
export type ClaimOutcome = 'claimed' | 'own' | 'duplicate' | 'in-progress';

/** One claim attempt. */
export interface ClaimRequest {
  readonly fingerprint: string;
  /** `<shardId>:<sequenceNumber>` of the stream record claiming. */
  readonly claimant: string;
  readonly sequenceNumber: string;
  /** Id of the claiming invocation. */
  readonly batchId: string;
  /** Epoch milliseconds. */
  readonly nowMs: number;
  /** Epoch milliseconds: the claiming invocation's deadline. */
  readonly leaseUntilMs: number;
  /** How long after a holder's `leaseUntil` its claim still counts as held. */
  readonly leaseMarginMs: number;
  readonly windowSeconds: number;
  /** Whether a stale claim of another stream record may be taken over (only when invocations write receipts). */
  readonly takeOverStale: boolean;
  /** Told, for an `in-progress` outcome, the epoch milliseconds at which the holder's lease (and margin) ends. */
  readonly onHeld?: (heldUntilMs: number) => void;
}

/** Looks up batch receipts. */
export type ReceiptLookup = (batchId: string) => Promise<BatchReceipt | undefined>;

/** What a finished invocation recorded about its batch. */
export interface BatchReceipt {
  /** Records of the batch below this sequence number were all handled; absent: the whole batch was. */
  readonly failedFrom?: string;
}

type Item = Record<string, AttributeValue>;
const MAX_ATTEMPTS = 3;
const key = (value: string): Item => ({ [CLAIM_ATTR.fingerprint]: { S: value } });
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Claims a fingerprint. Throws on anything but a failed condition (throttling included: never a duplicate). */
export async function claim(
  client: DynamoDBClient,
  tableName: string,
  request: ClaimRequest,
  receipts: ReceiptLookup,
  attempt = 1,
): Promise<ClaimOutcome> {
  const now = seconds(request.nowMs);
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...key(request.fingerprint),
          [CLAIM_ATTR.expiresAt]: { N: String(now + request.windowSeconds) },
          [CLAIM_ATTR.claimedBy]: { S: request.claimant },
          [CLAIM_ATTR.claimedAt]: { N: String(now) },
          [CLAIM_ATTR.batchId]: { S: request.batchId },
          [CLAIM_ATTR.leaseUntil]: { N: String(request.leaseUntilMs) },
        },
        ConditionExpression: 'attribute_not_exists(#fp) OR #expiresAt <= :now',
        ExpressionAttributeNames: { '#fp': CLAIM_ATTR.fingerprint, '#expiresAt': CLAIM_ATTR.expiresAt },
        ExpressionAttributeValues: { ':now': { N: String(now) } },
        // Saves a read on every copy; servers that ignore it (dynalite) fall back to GetItem.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = (error as { Item?: Item }).Item ?? (await readClaim(client, tableName, request.fingerprint));
    return resolve(client, tableName, request, receipts, existing, attempt);
  }
}

/** Looks at a claim again (for a record found in progress): its holder may have finished, died or released it. */
export async function recheckClaim(
  client: DynamoDBClient,
  tableName: string,
  request: ClaimRequest,
  receipts: ReceiptLookup,
): Promise<ClaimOutcome> {
  return resolve(client, tableName, request, receipts, await readClaim(client, tableName, request.fingerprint), 1);
}

/** Decides a claim whose write failed because `existing` (absent if gone since) is there. */
export async function resolve(
  client: DynamoDBClient,
  tableName: string,
  request: ClaimRequest,
  receipts: ReceiptLookup,
  existing: Item | undefined,
  attempt: number,
): Promise<ClaimOutcome> {
  if (!existing || Number(existing[CLAIM_ATTR.expiresAt]?.N) <= seconds(request.nowMs)) {
    // Released or expired since: claim it afresh.
    if (attempt < MAX_ATTEMPTS) return claim(client, tableName, request, receipts, attempt + 1);
    throw new ClaimContentionError(request.fingerprint);
  }
  const claimedBy = existing[CLAIM_ATTR.claimedBy]?.S ?? '';
  const own = claimedBy === request.claimant;
  if (existing[CLAIM_ATTR.deliveredAt] || (!own && !request.takeOverStale)) return 'duplicate';
  const holder = existing[CLAIM_ATTR.batchId]?.S;
  const lease = existing[CLAIM_ATTR.leaseUntil]?.N;
  const held = lease !== undefined && Number(lease) + request.leaseMarginMs > request.nowMs;
  // A live holder of another record's claim delivers it or the stream retries that record: a copy.
  if (!own && held) return 'duplicate';
  const receipt = holder ? await receipts(holder) : undefined;
  const claimedSequence = claimedBy.slice(claimedBy.lastIndexOf(':') + 1);
  if (receipt && (receipt.failedFrom === undefined || BigInt(claimedSequence) < BigInt(receipt.failedFrom)))
    return 'duplicate';
  if (holder === request.batchId) return 'own';
  if (held) {
    request.onHeld?.(Number(lease) + request.leaseMarginMs);
    return 'in-progress';
  }
  return (await takeOver(client, tableName, request, claimedBy, lease)) ? 'own' : own ? 'in-progress' : 'duplicate';
}

/** Moves an abandoned claim to this invocation and stream record, unless another invocation got there first. */
async function takeOver(
  client: DynamoDBClient,
  tableName: string,
  request: ClaimRequest,
  seenClaimant: string,
  seenLease: string | undefined,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key(request.fingerprint),
        UpdateExpression: 'SET #batchId = :batchId, #leaseUntil = :lease, #claimedAt = :now, #claimedBy = :claimant',
        ConditionExpression: `#claimedBy = :seenClaimant AND attribute_not_exists(#deliveredAt) AND ${
          seenLease === undefined ? 'attribute_not_exists(#leaseUntil)' : '#leaseUntil = :seenLease'
        }`,
        ExpressionAttributeNames: {
          '#batchId': CLAIM_ATTR.batchId,
          '#leaseUntil': CLAIM_ATTR.leaseUntil,
          '#claimedAt': CLAIM_ATTR.claimedAt,
          '#claimedBy': CLAIM_ATTR.claimedBy,
          '#deliveredAt': CLAIM_ATTR.deliveredAt,
        },
        ExpressionAttributeValues: {
          ':batchId': { S: request.batchId },
          ':lease': { N: String(request.leaseUntilMs) },
          ':now': { N: String(seconds(request.nowMs)) },
          ':claimant': { S: request.claimant },
          ':seenClaimant': { S: seenClaimant },
          ...(seenLease === undefined ? {} : { ':seenLease': { N: seenLease } }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function readClaim(client: DynamoDBClient, tableName: string, fingerprint: string): Promise<Item | undefined> {
  return (await client.send(new GetItemCommand({ TableName: tableName, Key: key(fingerprint), ConsistentRead: true })))
    .Item;
}

/** A receipt lookup that reads each batch's receipt at most once. */
export function receiptLookup(client: DynamoDBClient, tableName: string): ReceiptLookup {
  const cache = new Map<string, Promise<BatchReceipt | undefined>>();
  return (batchId) => {
    let found = cache.get(batchId);
    if (!found) {
      found = client
        .send(
          new GetItemCommand({ TableName: tableName, Key: key(BATCH_RECEIPT_PREFIX + batchId), ConsistentRead: true }),
        )
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
  receipt: { batchId: string; failedFrom?: string; nowMs: number; windowSeconds: number },
): Promise<void> {
  const now = seconds(receipt.nowMs);
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        ...key(BATCH_RECEIPT_PREFIX + receipt.batchId),
        [CLAIM_ATTR.expiresAt]: { N: String(now + receipt.windowSeconds) },
        [CLAIM_ATTR.claimedAt]: { N: String(now) },
        ...(receipt.failedFrom ? { [CLAIM_ATTR.failedFrom]: { S: receipt.failedFrom } } : {}),
      },
    }),
  );
}

/**
 * Gives up a claim whose record could not be delivered (or whose claim write failed but may have been
 * applied), so a re-drive of the record under a new sequence number is not taken for a copy. Only this
 * invocation's own, undelivered claim is removed. If the delete fails, the claim's lease is ended instead
 * (`leaseUntil` = now), so the stream's retry of the record takes it over after the margin rather than
 * waiting for this invocation's whole deadline; if that fails too, the error is thrown.
 */
export async function releaseClaim(
  client: DynamoDBClient,
  tableName: string,
  fingerprint: string,
  batchId: string,
  nowMs: number,
): Promise<void> {
  const mine = {
    Key: key(fingerprint),
    ConditionExpression: '#batchId = :batchId AND attribute_not_exists(#deliveredAt)',
    ExpressionAttributeNames: { '#batchId': CLAIM_ATTR.batchId, '#deliveredAt': CLAIM_ATTR.deliveredAt },
    ExpressionAttributeValues: { ':batchId': { S: batchId } },
  };
  try {
    await client.send(new DeleteItemCommand({ TableName: tableName, ...mine }));
    return;
  } catch (error) {
    if (isConditionFailure(error)) return;
  }
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        ...mine,
        UpdateExpression: 'SET #leaseUntil = :now',
        ExpressionAttributeNames: { ...mine.ExpressionAttributeNames, '#leaseUntil': CLAIM_ATTR.leaseUntil },
        ExpressionAttributeValues: { ...mine.ExpressionAttributeValues, ':now': { N: String(nowMs) } },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Marks one record delivered, for delivered records the batch receipt does not cover (at or after the
 * lowest record the invocation could not settle), which the stream may present again.
 */
export async function recordDelivery(
  client: DynamoDBClient,
  tableName: string,
  fingerprint: string,
  batchId: string,
  nowMs: number,
): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: key(fingerprint),
      UpdateExpression: 'SET #deliveredAt = :now',
      ConditionExpression: '#batchId = :batchId',
      ExpressionAttributeNames: { '#batchId': CLAIM_ATTR.batchId, '#deliveredAt': CLAIM_ATTR.deliveredAt },
      ExpressionAttributeValues: { ':batchId': { S: batchId }, ':now': { N: String(seconds(nowMs)) } },
    }),
  );
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
