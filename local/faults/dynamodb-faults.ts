import type {
  BatchExecuteStatementCommandInput,
  BatchStatementRequest,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR } from '../../lambda-dedup/src/constants';
import { mulberry32 } from '../firehose/faults';
import { type Attempt, addAttemptHook, addCallHook, type FakeResponse } from './aws-middleware';
import { type StatementFault, statementKey, statementVerb, withStatementFaults } from './statement-faults';

/** DynamoDB faults, each a fraction from 0 to 1. */
export interface DynamoDbFaults {
  /** Claim attempts answered `ProvisionedThroughputExceededException`; the SDK's retries usually absorb them. @default 0 */
  readonly throttleClaims?: number;
  /**
   * Fingerprints whose claims are throttled on more attempts in a row than the SDK makes, so the claim
   * fails, the record is reported in `batchItemFailures`, and the stream's retry claims it. @default 0
   */
  readonly throttleClaimsPersistently?: number;
  /**
   * Attempts of any DynamoDB call (claims, receipts, releases) answered HTTP 500 `InternalServerError`; in a
   * batch, also claim statements answered `InternalServerError` after they were applied. @default 0
   */
  readonly internalErrors?: number;
  /** @default 1 */
  readonly seed?: number;
}

/** What the DynamoDB faults did; `surfaced` are calls that failed after all of the SDK's attempts. */
export interface DynamoDbFaultStats {
  throttled: number;
  internalErrors: number;
  /** Attempts that reached the server as an SDK retry (attempt 2 or later). */
  sdkRetriesSent: number;
  /** Claim statements of a batch sent again by the handler after a per-statement throttle. */
  statementsRetried: number;
  /** Calls that failed with an injected error after all SDK attempts, by command. */
  surfaced: Record<string, number>;
  /** Fingerprints whose delivery mark (`UpdateItem`, or a batch's `UPDATE`, setting `deliveredAt`) finally failed. */
  deliveryMarksFailed: Set<string>;
  /** Batch receipts whose write finally failed. */
  receiptsFailed: number;
}

/**
 * Attempts in a row a persistently throttled claim fails: more than the SDK makes (DynamoDB clients now
 * default to 4 attempts), so the claim fails and the stream's retry must bring the record back.
 */
export const PERSISTENT_THROTTLE_ATTEMPTS = 5;

/** Error names this module injects; other errors (a failed condition on a copy) are the protocol's own. */
const INJECTED = new Set(['ProvisionedThroughputExceededException', 'InternalServerError']);

const DYNAMODB_ERROR = 'com.amazonaws.dynamodb.v20120810#';
const throttle: FakeResponse = {
  statusCode: 400,
  body: {
    __type: `${DYNAMODB_ERROR}ProvisionedThroughputExceededException`,
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
};
const internalError: FakeResponse = {
  statusCode: 500,
  body: { __type: `${DYNAMODB_ERROR}InternalServerError`, message: 'Internal server error' },
};

/** The partition key a DynamoDB command touches (`Item.fp` or `Key.fp`). */
export function keyOf(input: Record<string, unknown>): string | undefined {
  const item = (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
  return item?.[CLAIM_ATTR.fingerprint]?.S;
}

const isClaim = (a: Attempt) =>
  a.command === 'PutItemCommand' && !(keyOf(a.input) ?? '').startsWith(BATCH_RECEIPT_PREFIX);

// Picks fingerprints by their own bits: the same records are chosen whichever order they arrive in.
const chosen = (fingerprint: string, fraction: number) =>
  parseInt(fingerprint.slice(0, 8), 16) / 0x1_0000_0000 < fraction;

/**
 * Injects DynamoDB faults into a client's requests, below the SDK's retry strategy (see `addAttemptHook`),
 * so that throttling is retried with the SDK's own backoff before the handler sees it.
 */
export function injectDynamoDbFaults(client: DynamoDBClient, faults: DynamoDbFaults): DynamoDbFaultStats {
  const stats: DynamoDbFaultStats = {
    throttled: 0,
    internalErrors: 0,
    sdkRetriesSent: 0,
    statementsRetried: 0,
    surfaced: {},
    deliveryMarksFailed: new Set(),
    receiptsFailed: 0,
  };
  const random = mulberry32(faults.seed ?? 1);
  const persistentAttempts = new Map<string, number>();
  /** Whether this attempt at claiming `fp` is throttled. */
  const throttleClaim = (fp: string): boolean => {
    if (faults.throttleClaimsPersistently && chosen(fp, faults.throttleClaimsPersistently)) {
      const seen = persistentAttempts.get(fp) ?? 0;
      persistentAttempts.set(fp, seen + 1);
      if (seen < PERSISTENT_THROTTLE_ATTEMPTS) {
        stats.throttled += 1;
        return true;
      }
    }
    if (faults.throttleClaims && random() < faults.throttleClaims) {
      stats.throttled += 1;
      return true;
    }
    return false;
  };
  // A batch of claims: each statement is throttled (or fails after landing) on its own, inside a 200 answer.
  const throttledStatements = new Set<string>();
  interceptStatements(client, (statement) => {
    if (statementVerb(statement) !== 'INSERT') return undefined;
    const fp = statementKey(statement) ?? '';
    if (throttledStatements.has(fp)) stats.statementsRetried += 1;
    if (throttleClaim(fp)) {
      throttledStatements.add(fp);
      return { code: 'ThrottlingError' };
    }
    if (faults.internalErrors && random() < faults.internalErrors) {
      stats.internalErrors += 1;
      return { code: 'InternalServerError', applied: true };
    }
    return undefined;
  });
  addAttemptHook(client, 'fault-dynamodb', {
    before: (a) => {
      if (isClaim(a) && throttleClaim(keyOf(a.input) ?? '')) return throttle;
      if (faults.internalErrors && random() < faults.internalErrors) {
        stats.internalErrors += 1;
        return internalError;
      }
      if (a.attempt > 1) stats.sdkRetriesSent += 1;
      return undefined;
    },
  });
  addCallHook(client, 'fault-dynamodb-outcome', (command, input, error) => {
    if (!INJECTED.has((error as { name?: string } | undefined)?.name ?? '')) return;
    stats.surfaced[command] = (stats.surfaced[command] ?? 0) + 1;
    const key = keyOf(input) ?? '';
    if (command === 'UpdateItemCommand') stats.deliveryMarksFailed.add(key);
    if (command === 'BatchExecuteStatementCommand') {
      for (const statement of (input.Statements as BatchStatementRequest[] | undefined) ?? []) {
        if (statementVerb(statement) === 'UPDATE') stats.deliveryMarksFailed.add(statementKey(statement) ?? '');
      }
    }
    if (command === 'PutItemCommand' && key.startsWith(BATCH_RECEIPT_PREFIX)) stats.receiptsFailed += 1;
  });
  return stats;
}

/** Runs each `BatchExecuteStatement` of the client through `withStatementFaults`, above the SDK's retries. */
function interceptStatements(
  client: DynamoDBClient,
  pick: (statement: BatchStatementRequest) => StatementFault | undefined,
): void {
  type Next = (args: { input: BatchExecuteStatementCommandInput }) => Promise<{ output: unknown; response: unknown }>;
  const middleware =
    (next: Next, context: { commandName?: string }) => async (args: { input: BatchExecuteStatementCommandInput }) => {
      if (context.commandName !== 'BatchExecuteStatementCommand') return next(args);
      let response: unknown;
      const output = await withStatementFaults(args.input, pick, async (input) => {
        const result = await next({ ...args, input });
        response = result.response;
        return result.output as never;
      });
      return { output, response };
    };
  (client.middlewareStack as { add(m: unknown, o: object): void }).add(middleware, {
    step: 'initialize',
    priority: 'low',
    name: 'fault-dynamodb-statements',
  });
}
