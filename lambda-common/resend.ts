import { type BackoffSettings, backoffDelay, sleep as realSleep, type Sleep } from './backoff';

/** What became of one entry of a batch call. */
export type EntryOutcome =
  | { readonly ok: true }
  /** `final`: do not send again (for example the SDK already retried the whole call). */
  | { readonly ok: false; readonly code: string; readonly message?: string; readonly final?: boolean };

/** An item that was not accepted, with the outcome of its last attempt. */
export interface Rejected<T> {
  readonly item: T;
  readonly code: string;
  readonly message: string;
}

/** Options of {@link sendWithResend}. */
export interface ResendOptions extends BackoffSettings {
  /** Calls per item, the first one included. */
  readonly maxAttempts: number;
  /** Waits before a resend; tests pass one that does not wait. @default setTimeout */
  readonly sleep?: Sleep;
  /** Called before each resend round, for a log line (counts and codes only). @default none */
  readonly onResend?: (round: {
    attempt: number;
    items: number;
    codes: Record<string, number>;
    delayMs: number;
  }) => void;
}

/** Outcome of {@link sendWithResend}: every item is in exactly one of `accepted` and `rejected`. */
export interface ResendResult<T> {
  readonly accepted: T[];
  readonly rejected: Rejected<T>[];
  /** Items sent again after a failure. */
  readonly resends: number;
  /** Batch calls made. */
  readonly calls: number;
}

/**
 * Sends items in chunks with a batch API that can succeed while rejecting some entries (Kinesis
 * PutRecords, Firehose PutRecordBatch), which the SDK does not retry: the rejected entries, and only
 * those, are sent again after a jittered exponential backoff, up to `maxAttempts` calls per item.
 * `sendChunk` returns one outcome per item of its chunk, in order.
 */
export async function sendWithResend<T>(
  items: readonly T[],
  chunk: (pending: readonly T[]) => T[][],
  sendChunk: (chunk: readonly T[]) => Promise<EntryOutcome[]>,
  options: ResendOptions,
): Promise<ResendResult<T>> {
  const accepted: T[] = [];
  const rejected: Rejected<T>[] = [];
  let retry: Rejected<T>[] = [];
  let pending: readonly T[] = items;
  let resends = 0;
  let calls = 0;
  for (let attempt = 1; attempt <= Math.max(1, options.maxAttempts) && pending.length > 0; attempt++) {
    if (attempt > 1) {
      resends += pending.length;
      await pause(attempt, retry, options);
    }
    retry = [];
    for (const part of chunk(pending)) {
      calls++;
      const outcomes = await sendChunk(part);
      part.forEach((item, i) => {
        const outcome = outcomes[i] ?? { ok: false, code: 'MissingResponseEntry' };
        if (outcome.ok) accepted.push(item);
        else (outcome.final ? rejected : retry).push({ item, code: outcome.code, message: outcome.message ?? '' });
      });
    }
    pending = retry.map((r) => r.item);
  }
  return { accepted, rejected: [...rejected, ...retry], resends, calls };
}

async function pause<T>(attempt: number, retry: readonly Rejected<T>[], options: ResendOptions): Promise<void> {
  const delayMs = backoffDelay(attempt - 1, options);
  if (options.onResend) {
    const codes: Record<string, number> = {};
    for (const r of retry) codes[r.code] = (codes[r.code] ?? 0) + 1;
    options.onResend({ attempt, items: retry.length, codes, delayMs });
  }
  await (options.sleep ?? realSleep)(delayMs);
}
