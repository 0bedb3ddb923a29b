import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';

/** DynamoDB operations that consume write capacity, whether or not their condition holds. */
const WRITE_OPERATIONS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const READ_OPERATIONS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/** What one client was asked to do, counted per logical call (the SDK's retries are not counted again). */
export interface RequestCounts {
  /** Calls by command name, e.g. `PutItemCommand`. */
  readonly byCommand: Map<string, number>;
  requests: number;
  /**
   * Write units at 1 per PutItem/UpdateItem/DeleteItem, failed conditional writes included (DynamoDB
   * charges them). Items here are under 1 KB, so one unit each.
   */
  writeUnits: number;
  readRequests: number;
  /** Read units: 1 per item read consistently (GetItem, each key of a BatchGetItem), 0.5 per index Query; items are under 4 KB. */
  readUnits: number;
  /** Conditional writes (or batch statements) whose condition failed (each still one write unit). */
  failedConditionalWrites: number;
  /** Records carried by Firehose PutRecord/PutRecordBatch calls. */
  firehoseRecords: number;
}

/** Zeroed counts. */
export const emptyCounts = (): RequestCounts => ({
  byCommand: new Map(),
  requests: 0,
  writeUnits: 0,
  readRequests: 0,
  readUnits: 0,
  failedConditionalWrites: 0,
  firehoseRecords: 0,
});

/** Live counts of a client; `reset()` starts a new measurement. */
export interface RequestCounter {
  readonly counts: RequestCounts;
  reset(): void;
}

/**
 * Counts every command sent through the client, at the `initialize` step so a call that fails (a failed
 * conditional put, a throttle after retries) is counted once, like a billed request.
 */
export function countRequests(client: DynamoDBClient | FirehoseClient): RequestCounter {
  const counter = {
    counts: emptyCounts(),
    reset() {
      counter.counts = emptyCounts();
    },
  };
  // Both clients share the middleware stack API; the middleware reads only the command name and input.
  (client as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const c = counter.counts;
      c.byCommand.set(name, (c.byCommand.get(name) ?? 0) + 1);
      c.requests++;
      const input = args.input as {
        Records?: unknown[];
        Record?: unknown;
        Statements?: unknown[];
        RequestItems?: Record<string, { Keys?: unknown[] }>;
      };
      if (WRITE_OPERATIONS.has(name)) c.writeUnits++;
      // Each statement of a batch is billed as the single write it is.
      if (name === 'BatchExecuteStatementCommand') c.writeUnits += input.Statements?.length ?? 0;
      if (READ_OPERATIONS.has(name)) c.readRequests++;
      if (name === 'GetItemCommand') c.readUnits++;
      // A query of a global secondary index is eventually consistent: half a unit for up to 4 KB (its minimum).
      if (name === 'QueryCommand') c.readUnits += 0.5;
      if (name === 'BatchGetItemCommand')
        for (const table of Object.values(input.RequestItems ?? {})) c.readUnits += table.Keys?.length ?? 0;
      if (name === 'PutRecordBatchCommand') c.firehoseRecords += input.Records?.length ?? 0;
      if (name === 'PutRecordCommand') c.firehoseRecords += 1;
      try {
        const result = await next(args);
        const responses = (result.output as { Responses?: { Error?: { Code?: string } }[] }).Responses;
        if (name === 'BatchExecuteStatementCommand') {
          c.failedConditionalWrites += (responses ?? []).filter(
            (r) => r.Error?.Code === 'ConditionalCheckFailed' || r.Error?.Code === 'DuplicateItem',
          ).length;
        }
        return result;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') c.failedConditionalWrites++;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchRequestCounter', override: true },
  );
  return counter;
}
