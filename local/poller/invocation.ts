import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { NamedError } from '../../lambda-common/named-error';

/** One function invocation as the local event source mapping runs it. */
export interface Invocation {
  /** Increasing number of the invocation within this process. */
  readonly id: number;
  /** Records in the invocation's batch. */
  readonly batchSize: number;
  /** Aborted when the invocation is killed (timeout or an injected death): it must do nothing more. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds at which Lambda stops it (its context's deadline); nothing it does after counts. */
  readonly deadline: number;
  /** Kills the invocation now, as a crash would; the mapping notices it at the timeout. */
  kill(): void;
}

/** The invocation timed out (Lambda's `Task timed out`); the mapping treats it as a function error. */
export class FunctionTimeoutError extends NamedError {
  constructor(timeoutMs: number) {
    super(`Task timed out after ${timeoutMs} ms`);
  }
}

// Async context rather than a handler parameter, so the dedup handler runs unchanged and fault code
// (SDK middleware) can still tell which invocation a call belongs to.
const storage = new AsyncLocalStorage<Invocation>();
let nextId = 0;

/** The invocation the current code runs in, if any. */
export const currentInvocation = (): Invocation | undefined => storage.getStore();

/** How one invocation will be stopped, decided when it starts. */
export interface InvocationPlan {
  /** Its timeout (the context's deadline, which is its claims' lease). @default DEFAULT_FUNCTION_TIMEOUT_MS, not enforced */
  readonly timeoutMs?: number;
  /** Report a kill at once, as Lambda reports a runtime that exited, instead of at the timeout. @default false */
  readonly crashOnKill?: boolean;
}

/** Chooses each invocation's plan as it starts (a death fault picks its victims here). */
export type InvocationPlanner = (invocation: Invocation) => InvocationPlan;

/** The invocation's runtime exited (an injected crash); the mapping treats it as a function error. */
export class FunctionCrashError extends NamedError {
  constructor() {
    super('Runtime exited before the invocation completed');
  }
}

/**
 * Runs one invocation. With a timeout, the invocation is killed at it (its signal aborts) and the call
 * rejects with `FunctionTimeoutError`; a killed invocation never returns, so without a timeout or
 * `crashOnKill` a kill would never end the call. `run` gets the invocation's context deadline.
 */
export async function invoke<T>(
  batchSize: number,
  planner: InvocationPlanner,
  run: (deadline: number) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let crash: (() => void) | undefined;
  const started = Date.now();
  const invocation: Invocation = {
    id: nextId++,
    batchSize,
    signal: controller.signal,
    deadline: started + DEFAULT_FUNCTION_TIMEOUT_MS,
    kill: () => {
      controller.abort();
      crash?.();
    },
  };
  const plan = planner(invocation);
  const timeoutMs = plan.timeoutMs;
  (invocation as { deadline: number }).deadline = started + (timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS);
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (plan.crashOnKill) crash = () => reject(new FunctionCrashError());
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () => {
          controller.abort();
          reject(new FunctionTimeoutError(timeoutMs));
        },
        Math.max(0, invocation.deadline - Date.now()),
      );
    }
  });
  try {
    const result = await Promise.race([storage.run(invocation, () => run(invocation.deadline)), stopped]);
    // Finished after its deadline although the timer had not fired yet: Lambda would have stopped it.
    if (timeoutMs !== undefined && Date.now() > invocation.deadline) {
      controller.abort();
      throw new FunctionTimeoutError(timeoutMs);
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The dedup function's timeout in the stack (`lib/dedup-function.ts`), used when the mapping sets none. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 60_000;

/**
 * Whether an invocation has been stopped: killed, or past its deadline although the timer that kills it has
 * not fired yet (timers fire late on a busy machine; Lambda stops the invocation at the deadline exactly).
 */
export const isStopped = (invocation: Invocation): boolean =>
  invocation.signal.aborted || Date.now() >= invocation.deadline;

/**
 * The Lambda context of one invocation, as far as the handlers read it: the time left before the
 * invocation is stopped (the dedup function's claims are leased until then).
 */
export function lambdaContext(functionArn: string, deadline: number): Context {
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
