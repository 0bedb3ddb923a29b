import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchStatementRequest,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  type ClaimOutcome,
  type ClaimRequest,
  claim,
  type ReceiptLookup,
  recordDelivery,
  releaseClaim,
  resolve,
} from './claims';
import { mapWithConcurrency } from './concurrency';
import { CLAIM_ATTR } from './constants';
import { StatementError } from './errors';
import {
  BatchUnsupportedError,
  runStatements,
  type StatementBatchOptions,
  type StatementResult,
} from './statementBatch';

/**
 * The claim protocol of `claims.ts` in batches: 25 claims a request instead of one, so a batch of 100
 * distinct records costs 4 claim requests. Only the writes are batched; every decision is `resolve`'s:
 * - a new claim is a PartiQL `INSERT`, which fails with `DuplicateItem` when any item has the key;
 * - for those copies the existing claims are read with consistent `BatchGetItem`s (100 keys a request;
 *   DynamoDB returns no item with `DuplicateItem`, only with `ConditionalCheckFailed`), then each is
 *   resolved as a failed `PutItem` would be: own claim, delivered copy, held lease (wait), lease over
 *   (takeover), and an expired or vanished claim goes down the exact conditional `PutItem` path;
 * - a statement failing on its own (throttled, internal error) is retried, then reported for that record
 *   alone as a `StatementError`, never taken for a copy.
 * Servers without `BatchExecuteStatement` (dynalite) get the per-record calls, decided once per client.
 */

type Item = Record<string, AttributeValue>;
/** Clients whose server lacks `BatchExecuteStatement`. */
const perRecordOnly = new WeakSet<DynamoDBClient>();
const MAX_KEYS_PER_GET = 100;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const text = (value: string): AttributeValue => ({ S: value });
const num = (value: number): AttributeValue => ({ N: String(value) });
const seconds = (ms: number) => Math.floor(ms / 1000);
const failure = (result: StatementResult): StatementError => new StatementError(result.ok ? 'Error' : result.code);
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
/** Settles a per-record write as "no error" or the error it failed with. */
const settled = (write: Promise<unknown>): Promise<Error | undefined> => write.then(() => undefined, asError);

/** Runs `batched`, or `perRecord` for each item when the client's server has no batch operation. */
async function withFallback<T, R>(
  client: DynamoDBClient,
  items: readonly T[],
  concurrency: number,
  batched: () => Promise<R[]>,
  perRecord: (item: T) => Promise<R>,
): Promise<R[]> {
  if (!perRecordOnly.has(client)) {
    try {
      return await batched();
    } catch (error) {
      if (!(error instanceof BatchUnsupportedError)) throw error;
      perRecordOnly.add(client);
    }
  }
  return mapWithConcurrency(items, concurrency, perRecord);
}

/** The claims table, its client, and how to batch writes to it. */
export interface ClaimStore {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly options: StatementBatchOptions;
}

/** Claims many fingerprints (distinct ones); per request the outcome, or the error that record alone failed with. */
export async function claimAll(
  { client, tableName, options }: ClaimStore,
  requests: readonly ClaimRequest[],
  receipts: ReceiptLookup,
): Promise<(ClaimOutcome | Error)[]> {
  return withFallback(
    client,
    requests,
    options.concurrency,
    () => claimBatched(client, tableName, requests, receipts, options),
    (request) => claim(client, tableName, request, receipts).catch(asError),
  );
}

async function claimBatched(
  client: DynamoDBClient,
  tableName: string,
  requests: readonly ClaimRequest[],
  receipts: ReceiptLookup,
  options: StatementBatchOptions,
): Promise<(ClaimOutcome | Error)[]> {
  const results = await runStatements(
    client,
    requests.map((r) => insertClaim(tableName, r)),
    options,
  );
  const outcomes = new Array<ClaimOutcome | Error>(requests.length);
  const copies: number[] = [];
  results.forEach((result, i) => {
    if (result.ok) outcomes[i] = 'claimed';
    else if (result.code === 'DuplicateItem' || result.code === 'ConditionalCheckFailed') copies.push(i);
    else outcomes[i] = failure(result);
  });
  const existing = await readClaims(
    client,
    tableName,
    copies.map((i) => requests[i].fingerprint),
    options,
  );
  await mapWithConcurrency(copies, options.concurrency, async (i) => {
    const found = existing.get(requests[i].fingerprint);
    outcomes[i] =
      found instanceof Error ? found : await resolve(client, tableName, requests[i], receipts, found, 1).catch(asError);
  });
  return outcomes;
}

/** The claim as one statement: it fails with `DuplicateItem` whenever an item with the key exists. */
function insertClaim(tableName: string, request: ClaimRequest): BatchStatementRequest {
  const now = seconds(request.nowMs);
  const attributes: [string, AttributeValue][] = [
    [CLAIM_ATTR.fingerprint, text(request.fingerprint)],
    [CLAIM_ATTR.expiresAt, num(now + request.windowSeconds)],
    [CLAIM_ATTR.claimedBy, text(request.claimant)],
    [CLAIM_ATTR.claimedAt, num(now)],
    [CLAIM_ATTR.batchId, text(request.batchId)],
    [CLAIM_ATTR.leaseUntil, num(request.leaseUntilMs)],
  ];
  return {
    Statement: `INSERT INTO ${quoted(tableName)} VALUE {${attributes.map(([name]) => `'${name}': ?`).join(', ')}}`,
    Parameters: attributes.map(([, value]) => value),
  };
}

/** Consistent reads of claims, 100 keys a request; a key still unread after the attempts maps to an error. */
async function readClaims(
  client: DynamoDBClient,
  tableName: string,
  fingerprints: readonly string[],
  options: StatementBatchOptions,
): Promise<Map<string, Item | undefined | Error>> {
  const found = new Map<string, Item | undefined | Error>();
  const chunks: string[][] = [];
  for (let i = 0; i < fingerprints.length; i += MAX_KEYS_PER_GET)
    chunks.push(fingerprints.slice(i, i + MAX_KEYS_PER_GET));
  await mapWithConcurrency(chunks, options.concurrency, async (chunk) => {
    let keys = chunk.map((fp) => ({ [CLAIM_ATTR.fingerprint]: text(fp) }));
    try {
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > (options.maxAttempts ?? 3)) throw new StatementError('UnprocessedKeys');
        const answer = await client.send(
          new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of answer.Responses?.[tableName] ?? []) found.set(item[CLAIM_ATTR.fingerprint]?.S ?? '', item);
        keys = (answer.UnprocessedKeys?.[tableName]?.Keys as typeof keys | undefined) ?? [];
      }
      for (const fp of chunk) if (!found.has(fp)) found.set(fp, undefined);
    } catch (error) {
      for (const fp of chunk)
        if (!found.has(fp)) found.set(fp, error instanceof Error ? error : new StatementError('Error'));
    }
  });
  return found;
}

/** Marks delivered records (see `recordDelivery`); per fingerprint, the error its mark failed with, if any. */
export async function recordDeliveries(
  { client, tableName, options }: ClaimStore,
  fingerprints: readonly string[],
  batchId: string,
  nowMs: number,
): Promise<(Error | undefined)[]> {
  return withFallback(
    client,
    fingerprints,
    options.concurrency,
    async () =>
      (
        await runStatements(
          client,
          fingerprints.map((fp) => ({
            Statement: `UPDATE ${quoted(tableName)} SET ${quoted(CLAIM_ATTR.deliveredAt)} = ? WHERE ${quoted(CLAIM_ATTR.fingerprint)} = ? AND ${quoted(CLAIM_ATTR.batchId)} = ?`,
            Parameters: [num(seconds(nowMs)), text(fp), text(batchId)],
          })),
          options,
        )
      ).map((result) => (result.ok ? undefined : failure(result))),
    (fp) => settled(recordDelivery(client, tableName, fp, batchId, nowMs)),
  );
}

/**
 * Gives back claims (see `releaseClaim`): one batched delete of this invocation's undelivered claims; a
 * delete that failed for any reason but the condition goes down `releaseClaim`'s path (which ends the
 * lease if it cannot delete). Per fingerprint, the error if the claim could be neither deleted nor ended.
 */
export async function releaseClaims(
  { client, tableName, options }: ClaimStore,
  fingerprints: readonly string[],
  batchId: string,
  nowMs: number,
): Promise<(Error | undefined)[]> {
  const one = (fp: string) => settled(releaseClaim(client, tableName, fp, batchId, nowMs));
  return withFallback(
    client,
    fingerprints,
    options.concurrency,
    async () => {
      const results = await runStatements(
        client,
        fingerprints.map((fp) => ({
          Statement: `DELETE FROM ${quoted(tableName)} WHERE ${quoted(CLAIM_ATTR.fingerprint)} = ? AND ${quoted(CLAIM_ATTR.batchId)} = ? AND ${quoted(CLAIM_ATTR.deliveredAt)} IS MISSING`,
          Parameters: [text(fp), text(batchId)],
        })),
        options,
      );
      return mapWithConcurrency(results, options.concurrency, (result, i) =>
        result.ok || result.code === 'ConditionalCheckFailed' ? Promise.resolve(undefined) : one(fingerprints[i]),
      );
    },
    one,
  );
}
