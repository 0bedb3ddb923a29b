import {
  type AttributeValue,
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandOutput,
  type BatchStatementRequest,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { backoffDelay, sleep as defaultSleep, type Sleep } from '../../lambda-common/backoff';
import { mapWithConcurrency } from './concurrency';
import { DedupError } from './errors';

/** How one statement of a batch ended: applied, or DynamoDB's per-statement error code (and, on a failed condition, the item). */
export type StatementResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly item?: Record<string, AttributeValue> };

export interface StatementBatchOptions {
  /** Batches in flight at once. */
  readonly concurrency: number;
  /** Attempts of a statement that failed on its own with a transient code. @default 3 */
  readonly maxAttempts?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** The server does not implement `BatchExecuteStatement` (dynalite): use the per-record calls. */
export class BatchUnsupportedError extends DedupError {
  public constructor() {
    super('The DynamoDB endpoint does not implement BatchExecuteStatement');
  }
}

/** DynamoDB's limit of statements in one `BatchExecuteStatement`. */
export const MAX_STATEMENTS = 25;

/**
 * Per-statement codes worth another attempt. The SDK retries a failed request, not a statement failing
 * inside a 200 answer, so these are retried here; each statement is idempotent or resolved by the claim
 * protocol if an earlier attempt was applied after all (an `InternalServerError`).
 */
const TRANSIENT = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionConflict',
]);

/**
 * Runs write statements in batches of up to 25, in order of results, retrying statements that failed
 * transiently on their own. A batch the whole request of which failed (after the SDK's retries) reports
 * that error's name for each of its statements. The statements must touch distinct items: DynamoDB
 * rejects a whole batch naming one item twice.
 */
export async function runStatements(
  client: DynamoDBClient,
  statements: readonly BatchStatementRequest[],
  options: StatementBatchOptions,
): Promise<StatementResult[]> {
  const results = new Array<StatementResult>(statements.length);
  const maxAttempts = options.maxAttempts ?? 3;
  let pending = statements.map((_, i) => i);
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 1)
      await (options.sleep ?? defaultSleep)(
        backoffDelay(attempt - 1, { baseDelayMs: 50, maxDelayMs: 1000, random: options.random }),
      );
    const chunks: number[][] = [];
    for (let i = 0; i < pending.length; i += MAX_STATEMENTS) chunks.push(pending.slice(i, i + MAX_STATEMENTS));
    const retry: number[] = [];
    await mapWithConcurrency(chunks, options.concurrency, async (chunk) => {
      let responses: BatchExecuteStatementCommandOutput['Responses'];
      try {
        ({ Responses: responses } = await client.send(
          new BatchExecuteStatementCommand({ Statements: chunk.map((i) => statements[i]) }),
        ));
      } catch (error) {
        const name = (error as Error | undefined)?.name || 'Error';
        if (name === 'UnknownOperationException') throw new BatchUnsupportedError();
        for (const i of chunk) results[i] = { ok: false, code: name };
        return;
      }
      chunk.forEach((index, position) => {
        const error = responses?.[position]?.Error;
        if (!responses?.[position]) results[index] = { ok: false, code: 'MissingResponse' };
        else if (!error) results[index] = { ok: true };
        else if (TRANSIENT.has(error.Code ?? '') && attempt < maxAttempts) retry.push(index);
        else results[index] = { ok: false, code: error.Code ?? 'Error', item: error.Item };
      });
    });
    pending = retry;
  }
  return results;
}
