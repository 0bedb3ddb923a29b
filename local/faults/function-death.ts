import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import { BATCH_RECEIPT_PREFIX } from '../../lambda-dedup/src/constants';
import { mulberry32 } from '../firehose/faults';
import type { EventSourceMapping } from '../poller/event-source-mapping';
import { currentInvocation, DEFAULT_FUNCTION_TIMEOUT_MS, type Invocation, isStopped } from '../poller/invocation';
import { type Attempt, type AttemptHook, addAttemptHook } from './aws-middleware';
import { keyOf } from './dynamodb-faults';

/**
 * Where a doomed invocation dies:
 * - `after-claim`: claims written, nothing delivered (the Firehose call never goes out);
 * - `before-receipt`: delivered, the batch receipt never written (the one unavoidable-duplicate window);
 * - `after-receipt`: everything written, the function never returns;
 * - `mid-batch`: before a random one of its requests, as a timeout would.
 */
export type DeathPoint = 'after-claim' | 'before-receipt' | 'after-receipt' | 'mid-batch';

/** Function deaths to inject. */
export interface DeathFaults {
  readonly point: DeathPoint;
  /** Fraction (0-1) of invocations that die. */
  readonly rate: number;
  /** @default 1 */
  readonly seed?: number;
  /**
   * Timeout of the invocations chosen to die: how soon their death is noticed, and their claims' lease.
   * Every other invocation keeps the function's own timeout (the stack's 60 s), as on Lambda, so that a
   * busy machine cannot turn a healthy invocation into a timed-out one. @default VICTIM_TIMEOUT_MS
   */
  readonly victimTimeoutMs?: number;
}

/** The timeout of an invocation chosen to die. */
export const VICTIM_TIMEOUT_MS = 1_000;

/** What the deaths did. */
export interface DeathStats {
  /** Invocations killed by this fault at their death point. */
  kills: number;
  /** Invocations chosen to die (each dies only if it reaches the death point). */
  victims: number;
  /** Invocations found killed, by this fault or by the timeout. */
  killedInvocations: number;
  /**
   * Invocations chosen to die that were stopped, at their death point or by their short timeout before it
   * (a busy machine can make a victim reach its deadline first: it then stops there, just as early).
   */
  stoppedVictims: number;
  /** Requests a killed invocation tried to send, or answers it would have received: none of them got through. */
  frozenRequests: number;
  /**
   * Lines sent to Firehose by invocations killed before they sent their batch receipt: the only records a
   * retry may deliver again. Computed from the requests, never from the delivered output.
   */
  atRiskLines: Set<string>;
}

interface InvocationState {
  readonly doomed: boolean;
  /** For `mid-batch`: die before the request carrying this write or call (1-based; a batch of statements counts each). */
  readonly killBefore: number;
  requests: number;
  readonly firehoseLines: string[];
  receiptSent: boolean;
}

const isReceiptWrite = (a: Attempt) =>
  a.command === 'PutItemCommand' && (keyOf(a.input) ?? '').startsWith(BATCH_RECEIPT_PREFIX);
const isDelivery = (a: Attempt) => a.command === 'PutRecordBatchCommand' || a.command === 'PutRecordCommand';

function linesOf(a: Attempt): string[] {
  const records = (a.input.Records as { Data?: Uint8Array }[] | undefined) ?? [a.input.Record as { Data?: Uint8Array }];
  return records.map((r) =>
    Buffer.from(r?.Data ?? new Uint8Array())
      .toString('utf8')
      .replace(/\n$/, ''),
  );
}

/**
 * Makes invocations die: the mapping's invocations are chosen to die as they start (`rate`), and every client
 * call of a stopped invocation (killed, or past its deadline) is frozen (never sent, never answered), so it
 * does nothing more, like a Lambda sandbox stopped at its timeout. Victims die at `point` and are noticed at
 * their timeout; those dying after their receipt are reported at once instead (a runtime that exited), as
 * they run under the function's own timeout: nothing they left needs their lease to end.
 */
export function injectFunctionDeaths(
  env: {
    readonly clients: { readonly dynamodb: DynamoDBClient; readonly firehose: FirehoseClient; readonly s3: S3Client };
    readonly mapping: EventSourceMapping;
  },
  faults: DeathFaults,
): DeathStats {
  const { clients } = env;
  const stats: DeathStats = {
    kills: 0,
    victims: 0,
    killedInvocations: 0,
    stoppedVictims: 0,
    frozenRequests: 0,
    atRiskLines: new Set(),
  };
  const random = mulberry32(faults.seed ?? 1);
  const states = new WeakMap<Invocation, InvocationState>();

  const stateOf = (invocation: Invocation): InvocationState => {
    let state = states.get(invocation);
    if (!state) {
      state = {
        doomed: random() < faults.rate,
        killBefore: 1 + Math.floor(random() * (invocation.batchSize + 2)),
        requests: 0,
        firehoseLines: [],
        receiptSent: false,
      };
      states.set(invocation, state);
      if (state.doomed) stats.victims += 1;
      const s = state;
      invocation.signal.addEventListener('abort', () => {
        stats.killedInvocations += 1;
        if (s.doomed) stats.stoppedVictims += 1;
        if (!s.receiptSent) for (const line of s.firehoseLines) stats.atRiskLines.add(line);
      });
    }
    return state;
  };
  const ownTimeout = env.mapping.planInvocation;
  env.mapping.planInvocation = (invocation) => {
    const timeoutMs = ownTimeout(invocation).timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
    if (!stateOf(invocation).doomed) return { timeoutMs };
    if (faults.point === 'after-receipt') return { timeoutMs, crashOnKill: true };
    return { timeoutMs: faults.victimTimeoutMs ?? VICTIM_TIMEOUT_MS };
  };

  const kill = (invocation: Invocation): 'hang' => {
    stats.kills += 1;
    invocation.kill();
    return 'hang';
  };

  const hook: AttemptHook = {
    before: (a) => {
      const invocation = currentInvocation();
      if (!invocation) return undefined;
      const state = stateOf(invocation);
      if (isStopped(invocation)) {
        stats.frozenRequests += 1;
        return 'hang';
      }
      // A batch of statements counts as the per-record writes it replaces, so a death point lands at the
      // same place in the batch's work on either claim path.
      const before = state.requests;
      state.requests += (a.input.Statements as unknown[] | undefined)?.length ?? 1;
      if (state.doomed) {
        // Only before the first Firehose call: dying at a resend would be a death mid-delivery.
        if (faults.point === 'after-claim' && isDelivery(a) && state.firehoseLines.length === 0)
          return kill(invocation);
        if (faults.point === 'before-receipt' && isReceiptWrite(a)) return kill(invocation);
        if (faults.point === 'mid-batch' && before < state.killBefore && state.requests >= state.killBefore)
          return kill(invocation);
      }
      if (isDelivery(a)) state.firehoseLines.push(...linesOf(a));
      if (isReceiptWrite(a)) state.receiptSent = true;
      return undefined;
    },
    after: (a) => {
      const invocation = currentInvocation();
      if (!invocation) return undefined;
      if (isStopped(invocation)) {
        stats.frozenRequests += 1;
        return 'hang';
      }
      if (faults.point === 'after-receipt' && stateOf(invocation).doomed && isReceiptWrite(a)) return kill(invocation);
      return undefined;
    },
  };
  addAttemptHook(clients.dynamodb, 'fault-death', hook);
  addAttemptHook(clients.firehose, 'fault-death', hook);
  addAttemptHook(clients.s3, 'fault-death', hook);
  return stats;
}
