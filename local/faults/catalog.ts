import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEDUP_ENV } from '../../lambda-dedup/src/constants';
import type { LocalEnvironment, LocalEnvironmentProps } from '../environment';
import type { FirehoseFaults } from '../firehose/faults';
import type { RunOptions } from '../pipeline';
import { generateBadInputs, putRawRecords } from './bad-inputs';
import { type DynamoDbFaults, injectDynamoDbFaults } from './dynamodb-faults';
import { FaultSpecError } from './errors';
import { type DeathPoint, injectFunctionDeaths, VICTIM_TIMEOUT_MS } from './function-death';
import { deliverBatchesTwice, replayFromTrimHorizon, secondPoller } from './redelivery';

/** A fault the CLI can inject: what its value means and its default. */
interface FaultDefinition {
  readonly value: 'rate' | 'count' | 'none';
  readonly default: number;
  readonly help: string;
  /** Whether the README's Guarantees call the pipeline exact under it (no CTR delivered twice). */
  readonly exact: boolean;
}

/** Every fault `ctr local --fault NAME[=VALUE]` accepts. */
export const FAULT_CATALOG: Readonly<Record<string, FaultDefinition>> = {
  'firehose-entries': {
    value: 'rate',
    default: 0.2,
    help: 'Firehose fails this fraction of entries (FailedPutCount)',
    exact: true,
  },
  'firehose-outage': {
    value: 'count',
    default: 30,
    help: 'Firehose fails its first N calls whole (HTTP 503)',
    exact: true,
  },
  'dynamodb-throttle': { value: 'rate', default: 0.05, help: 'claims throttled, retried inside the SDK', exact: true },
  'dynamodb-throttle-persistent': {
    value: 'rate',
    default: 0.01,
    help: 'claims throttled past the SDK retries',
    exact: true,
  },
  'dynamodb-errors': { value: 'rate', default: 0.05, help: 'any DynamoDB call answered HTTP 500', exact: false },
  'die-after-claim': {
    value: 'rate',
    default: 0.3,
    help: 'invocations die after claiming, before delivering',
    exact: true,
  },
  'die-before-receipt': {
    value: 'rate',
    default: 0.3,
    help: 'invocations die after delivering, before the batch receipt',
    exact: false,
  },
  'die-after-receipt': {
    value: 'rate',
    default: 0.3,
    help: 'invocations die after the receipt, before returning',
    exact: true,
  },
  'die-mid-batch': {
    value: 'rate',
    default: 0.3,
    help: 'invocations die before a random request (a timeout)',
    exact: false,
  },
  'batch-twice': { value: 'rate', default: 1, help: 'batches invoked again after they succeeded', exact: true },
  'two-pollers': { value: 'none', default: 0, help: 'a second poller reads the same shards concurrently', exact: true },
  replay: {
    value: 'none',
    default: 0,
    help: 'after the run, the stream is read again from the trim horizon',
    exact: true,
  },
  'bad-inputs': { value: 'count', default: 1, help: 'N records of each bad-input kind put as raw bytes', exact: true },
};

/** Lease margin of local runs with deaths: in proportion to the victims' shortened timeout (1 s), as 10 s is to Lambda's. */
export const LOCAL_LEASE_MARGIN_MS = VICTIM_TIMEOUT_MS / 4;

/** One parsed `--fault` argument. */
export interface FaultSpec {
  readonly name: string;
  readonly value: number;
}

/** Parses `NAME` or `NAME=VALUE`, checking the name and the value's range. */
export function parseFaultSpec(text: string): FaultSpec {
  const [name, raw] = text.split('=', 2);
  const definition = FAULT_CATALOG[name];
  if (!definition) throw new FaultSpecError(`unknown fault "${name}"; known: ${Object.keys(FAULT_CATALOG).join(', ')}`);
  if (raw === undefined) return { name, value: definition.default };
  if (definition.value === 'none') throw new FaultSpecError(`fault "${name}" takes no value`);
  const value = Number(raw);
  if (definition.value === 'rate' && !(value >= 0 && value <= 1))
    throw new FaultSpecError(`fault "${name}" needs a rate from 0 to 1, got "${raw}"`);
  if (definition.value === 'count' && !(Number.isInteger(value) && value >= 0 && value <= 100_000)) {
    throw new FaultSpecError(`fault "${name}" needs a whole number, got "${raw}"`);
  }
  return { name, value };
}

/** What the injected faults did, for the run's report. */
export type FaultReport = Record<string, Record<string, number>>;

/** Faults turned into environment options, client middleware, run options and steps around the run. */
export interface FaultPlan {
  /** Every fault injected is one the Guarantees call exact (none injected included): a duplicate is a failure. */
  readonly exact: boolean;
  readonly environment: LocalEnvironmentProps;
  /** Raw records (bad inputs) put into the stream before the run. */
  readonly extraInputs: readonly Buffer[];
  /** Installs client faults; call once the environment runs and before the run. */
  install(env: LocalEnvironment): Promise<void>;
  runOptions(env: LocalEnvironment): Partial<RunOptions>;
  /** Steps after the run (replay); true when the bucket changed since the run's export. */
  after(env: LocalEnvironment): Promise<boolean>;
  report(): FaultReport;
}

/** Builds the plan for a list of faults; at most one `die-*` fault, as an invocation dies once. */
export function planFaults(specs: readonly FaultSpec[]): FaultPlan {
  const byName = new Map(specs.map((s) => [s.name, s.value]));
  const deaths = specs.filter((s) => s.name.startsWith('die-'));
  if (deaths.length > 1)
    throw new FaultSpecError(`give at most one die-* fault, got ${deaths.map((d) => d.name).join(', ')}`);
  const firehose: FirehoseFaults = {
    failEntryFraction: byName.get('firehose-entries'),
    failFirstCalls: byName.get('firehose-outage'),
    seed: 1,
  };
  const dynamodb: DynamoDbFaults = {
    throttleClaims: byName.get('dynamodb-throttle'),
    throttleClaimsPersistently: byName.get('dynamodb-throttle-persistent'),
    internalErrors: byName.get('dynamodb-errors'),
  };
  const twice = byName.has('batch-twice') ? deliverBatchesTwice(byName.get('batch-twice')) : undefined;
  const reports: FaultReport = {};
  const collectors: (() => void)[] = [];
  const badPerKind = byName.get('bad-inputs') ?? 0;
  const template = JSON.parse(readFileSync(join(__dirname, '../../samples/case1.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const extraInputs = badPerKind > 0 ? generateBadInputs(template, badPerKind).map((b) => b.data) : [];

  return {
    exact: specs.every((s) => FAULT_CATALOG[s.name].exact),
    environment: {
      firehoseFaults: firehose.failEntryFraction || firehose.failFirstCalls ? firehose : undefined,
      wrapHandler: twice?.wrap,
      dedupEnv: deaths.length > 0 ? { [DEDUP_ENV.leaseMarginMs]: String(LOCAL_LEASE_MARGIN_MS) } : undefined,
    },
    extraInputs,
    install: async (env) => {
      if (dynamodb.throttleClaims || dynamodb.throttleClaimsPersistently || dynamodb.internalErrors) {
        const stats = injectDynamoDbFaults(env.clients.dynamodb, dynamodb);
        collectors.push(() => {
          reports.dynamodb = {
            throttled: stats.throttled,
            internalErrors: stats.internalErrors,
            sdkRetriesSent: stats.sdkRetriesSent,
            statementsRetried: stats.statementsRetried,
            callsFailedAfterSdkRetries: Object.values(stats.surfaced).reduce((a, b) => a + b, 0),
          };
        });
      }
      if (deaths.length > 0) {
        const stats = injectFunctionDeaths(env, {
          point: deaths[0].name.slice('die-'.length) as DeathPoint,
          rate: deaths[0].value,
        });
        collectors.push(() => {
          reports.functionDeath = {
            victims: stats.victims,
            kills: stats.kills,
            killedInvocations: stats.killedInvocations,
            atRiskRecords: stats.atRiskLines.size,
          };
        });
      }
      if (twice) collectors.push(() => (reports.batchTwice = { redelivered: twice.stats.redelivered }));
      if (extraInputs.length > 0) await putRawRecords(env.clients.kinesis, env.names.streamName, extraInputs);
    },
    runOptions: (env) => (byName.has('two-pollers') ? { alsoDrain: secondPoller(env) } : {}),
    after: async (env) => {
      if (!byName.has('replay')) return false;
      const before = env.firehose.stats(env.names.deliveryStreamName).recordsAccepted;
      const stats = await replayFromTrimHorizon(env);
      reports.replay = {
        recordsRead: stats.recordsRead,
        forwarded: env.firehose.stats(env.names.deliveryStreamName).recordsAccepted - before,
      };
      return true;
    },
    report: () => {
      for (const collect of collectors) collect();
      return reports;
    },
  };
}
