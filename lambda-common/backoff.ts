// Shared by both Lambdas (each bundle takes only what it imports).
/** Settings of the delay before a resend. */
export interface BackoffSettings {
  /** Upper bound of the first delay, in ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxDelayMs: number;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * Delay before the given resend (1 = first), in ms: exponential backoff with full jitter,
 * `random * min(maxDelay, base * 2^(retry - 1))`, the formula of the AWS SDK's DefaultRetryBackoffStrategy.
 * Written here because @smithy/util-retry 4.6 no longer exports that class, and its StandardRetryStrategy
 * sleeps with its own setTimeout, which tests could not replace.
 */
export function backoffDelay(retry: number, settings: BackoffSettings): number {
  const random = settings.random ?? Math.random;
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Waits the given number of milliseconds; injectable so tests do not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** Waits the given number of milliseconds. */
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
