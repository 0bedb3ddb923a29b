/** Waits the given number of milliseconds; injectable so tests do not wait. */
export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter").
 * Hand-written because the SDK's own delay decider is internal API; it is one expression.
 */
export function fullJitterDelay(attempt: number, baseMs = 100, capMs = 2000, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
