import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The latency model's account of one run: how long the handler had at least one injected round trip pending. */
export interface LatencyAccount {
  /**
   * Milliseconds covered by the union of the nominal intervals [start, start + latency] of every call: calls in
   * flight together wait once. Nominal, so a timer firing late on a busy machine does not inflate it.
   */
  waitedMs(): number;
}

/**
 * Adds a fixed delay before every call of the client, as a region's round trip would (about 5 ms from
 * Lambda to DynamoDB in the same region). Added at `finalizeRequest`, after the retry strategy, so each
 * attempt pays it.
 */
export function injectLatency(client: DynamoDBClient, ms: number): LatencyAccount {
  const starts: number[] = [];
  const account: LatencyAccount = {
    waitedMs: () => {
      let total = 0;
      let coveredUntil = -Infinity;
      for (const start of [...starts].sort((a, b) => a - b)) {
        const end = start + ms;
        total += end - Math.max(start, coveredUntil);
        coveredUntil = Math.max(coveredUntil, end);
      }
      return total;
    },
  };
  if (ms <= 0) return account;
  client.middlewareStack.add(
    (next) => async (args) => {
      starts.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, ms));
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchLatency', override: true },
  );
  return account;
}
