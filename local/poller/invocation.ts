import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** One function invocation as the local event source mapping runs it. */
export interface Invocation {
  /** Increasing number of the invocation within this process. */
  readonly id: number;
  /** Records in the invocation's batch. */
  readonly batchSize: number;
  /** Aborted when the invocation is killed (timeout or an injected death): it must do nothing more. */
  readonly signal: AbortSignal;
  /** Kills the invocation now, as a crash would; the mapping notices it at the timeout. */
  kill(): void;
}

/** The invocation timed out (Lambda's `Task timed out`); the mapping treats it as a function error. */
export class FunctionTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Task timed out after ${timeoutMs} ms`);
    this.name = new.target.name;
  }
}

// Async context rather than a handler parameter, so the dedup handler runs unchanged and fault code
// (SDK middleware) can still tell which invocation a call belongs to.
const storage = new AsyncLocalStorage<Invocation>();
let nextId = 0;

/** The invocation the current code runs in, if any. */
export const currentInvocation = (): Invocation | undefined => storage.getStore();

/**
 * Runs one invocation with an optional timeout. On timeout the invocation is killed (its signal aborts) and
 * the call rejects with `FunctionTimeoutError`; without a timeout a killed invocation would never return.
 */
export async function invoke<T>(batchSize: number, timeoutMs: number | undefined, run: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const invocation: Invocation = { id: nextId++, batchSize, signal: controller.signal, kill: () => controller.abort() };
  const result = storage.run(invocation, run);
  if (timeoutMs === undefined) return result;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new FunctionTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The dedup function's timeout in the stack (`lib/dedup-function.ts`), used when the mapping sets none. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 60_000;

/**
 * The Lambda context of one invocation, as far as the handlers read it: the time left before the
 * invocation is stopped (the dedup function's claims are leased until then).
 */
export function lambdaContext(functionArn: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const functionName = functionArn.split(':').pop() ?? functionArn;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
