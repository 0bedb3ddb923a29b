import { athenaChecks } from './checks/athena';
import { deliveryChecks, keysBefore, waitForDelivery } from './checks/delivery';
import { invokeCheck } from './checks/invoke';
import { type MetricsIdentity, metricsCheck } from './checks/metrics';
import { readStackOutputs } from './checks/stack-outputs';
import { testAlarmCheck } from './checks/test-alarm';
import { topicPolicyCheck } from './checks/topic-policy';
import { setupProblem } from './errors';
import { type ProbeBatch, probeBatch } from './probes';
import type { CheckResult, DoctorClients, DoctorContext, DoctorTiming } from './types';

/** Options of one doctor run. */
export interface DoctorOptions {
  readonly stackName: string;
  readonly clients: DoctorClients;
  /** Namespace and service dimension of the dedup metrics. */
  readonly metrics: MetricsIdentity;
  /** Also prove alarm delivery with SetAlarmState. @default false */
  readonly testAlarm?: boolean;
  /** @default 5 min waits, 10 s polls, real clock */
  readonly timing?: Partial<DoctorTiming>;
  /** @default none */
  readonly progress?: (message: string) => void;
  /** @default fresh probes (new run id and ContactIds) */
  readonly probes?: ProbeBatch;
}

/** What a run found: one JSON object with `--json`. */
export interface DoctorReport {
  /** True when no check failed (skipped checks do not fail a run). */
  readonly ok: boolean;
  readonly stack: string;
  readonly runId: string;
  readonly checks: readonly CheckResult[];
}

const DEFAULT_TIMING: DoctorTiming = {
  deliveryTimeoutMs: 300_000,
  metricsTimeoutMs: 300_000,
  pollIntervalMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
};

/** Runs a check; an AWS error becomes its failed line (with AWS's text), a credentials or Region problem stops the run. */
async function guarded(
  id: string,
  title: string,
  check: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    return [await check()].flat();
  } catch (err) {
    const setup = setupProblem(err);
    if (setup) throw setup;
    const e = err as Error;
    return [
      {
        id,
        title,
        status: 'fail',
        detail: e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message,
        next: 'Check that your credentials may call this API on the stack\'s resources, then run "ctr doctor" again.',
      },
    ];
  }
}

/**
 * Proves a deployed stack end to end: reads its outputs, sends probe CTRs (with exact copies and a malformed
 * record) through the emulator, waits for them in S3, runs the views and named queries on Athena, reads the
 * dedup metrics, checks the alarm topic's policy and, with `testAlarm`, fires an alarm.
 * @throws DoctorSetupError when it cannot start (credentials, Region, stack missing or too old).
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const progress = options.progress ?? (() => undefined);
  const { outputs, result: stackResult } = await readStackOutputs(options.clients.cloudformation, options.stackName);
  const probes = options.probes ?? probeBatch({ now: new Date(timing.now()) });
  const ctx: DoctorContext = {
    stackName: options.stackName,
    clients: options.clients,
    outputs,
    probes,
    startedAt: timing.now(),
    timing,
    progress,
  };

  const checks: CheckResult[] = [stackResult];
  const pipeline = await guarded('invoke', 'Probe CTRs through the pipeline', async () => {
    const before = await keysBefore(ctx);
    progress(
      `invoking ${outputs.EmulatorFunctionName} with ${probes.payload.records.length} records (run ${probes.runId})`,
    );
    const invoked = await invokeCheck(ctx);
    if (invoked.status !== 'pass') return invoked;
    return [invoked, ...deliveryChecks(ctx, await waitForDelivery(ctx, before))];
  });
  checks.push(...pipeline);
  checks.push(...(await guarded('athena', 'Athena queries', () => athenaChecks(ctx))));
  const invoked = pipeline.some((c) => c.id === 'invoke' && c.status === 'pass');
  checks.push(
    ...(invoked
      ? await guarded('metrics', 'Dedup metrics in CloudWatch', () => metricsCheck(ctx, options.metrics))
      : [
          {
            id: 'metrics',
            title: 'Dedup metrics in CloudWatch',
            status: 'skip' as const,
            detail: 'not checked: no probes were sent',
            next: 'Fix the invocation first.',
          },
        ]),
  );
  checks.push(...(await guarded('topic-policy', 'Alarm topic lets CloudWatch publish', () => topicPolicyCheck(ctx))));
  if (options.testAlarm)
    checks.push(...(await guarded('test-alarm', 'Test alarm notification', () => testAlarmCheck(ctx))));
  return { ok: checks.every((c) => c.status !== 'fail'), stack: options.stackName, runId: probes.runId, checks };
}
