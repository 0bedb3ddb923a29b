import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

const token = (count: number): StandardRetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => 0,
  getRetryCost: () => undefined,
});

/**
 * Retries server, throttling and connection errors up to `maxAttempts` with capped exponential backoff and
 * full jitter, with no retry quota. Hand-written because the SDK's standard strategy shares a quota of 500
 * tokens per client, each retry costing 5 and a success after retries giving back only 5: a few dozen calls
 * that each met a streak of s3rver's HTTP 500s drain it, and from then on no call is retried at all
 * ("No retry token available"), so one more 500 ended the run. A local server has no fleet to protect.
 */
export class LocalRetryStrategy implements RetryStrategyV2 {
  constructor(
    private readonly maxAttempts: number,
    /** First backoff, doubled per retry. @default 50 */
    private readonly baseDelayMs = 50,
    /** Longest backoff. @default 2000 */
    private readonly maxDelayMs = 2000,
  ) {}

  async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: StandardRetryToken, error: RetryErrorInfo): Promise<StandardRetryToken> {
    const count = previous.getRetryCount() + 1;
    if (error.errorType === 'CLIENT_ERROR' || count >= this.maxAttempts) throw new Error('No retry token available');
    await sleep(this.backoffMs(count));
    return token(count);
  }

  /** The wait before the given retry (1 = first): full jitter below the capped exponential bound. */
  backoffMs(retry: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retry);
  }

  recordSuccess(): void {}
}
