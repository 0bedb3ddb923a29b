import { AsyncLocalStorage } from 'node:async_hooks';

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
