import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEDUP_ENV } from '../../lambda-dedup/src/constants';
import { type LocalEnvironment, type LocalEnvironmentProps, startLocalEnvironment } from '../../local/environment';
import { type BadInput, generateBadInputs, putRawRecords } from '../../local/faults/bad-inputs';
import { LOCAL_LEASE_MARGIN_MS } from '../../local/faults/catalog';
import { type RunOptions, type RunSummary, runLocalPipeline } from '../../local/pipeline';
import { ctrTableSql } from '../../local/sql/daily-contacts';
import { sharedDynamoDbLocal } from '../dynamodb-local';
import { type Corpus, canonical, generateCorpus } from '../local/corpus';
import { deliveredLines, filesUnder } from '../local/delivered';

/** Contacts per fault run: about 1,300 records in CI; `npm run faults` sets a larger corpus. */
export const CONTACTS = Number(process.env.FAULT_CORPUS_CONTACTS ?? 600);

/** Per-test time limit, growing with the corpus (a limit, not an assertion on speed). */
export const RUN_TIMEOUT_MS = Math.max(600_000, CONTACTS * 1000);

/** The environment of runs with function deaths: the lease margin the CLI uses with its shortened timeouts. */
export const DEATH_ENVIRONMENT: LocalEnvironmentProps = {
  dedupEnv: { [DEDUP_ENV.leaseMarginMs]: String(LOCAL_LEASE_MARGIN_MS) },
};

/** A CTR template with phone numbers, for generated inputs. */
export const TEMPLATE = JSON.parse(readFileSync(join(__dirname, '../../samples/case1.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** One finished run and what the tests compare: everything expected comes from the input. */
export interface FaultRun {
  readonly env: LocalEnvironment;
  readonly outDir: string;
  readonly corpus: Corpus;
  readonly bad: readonly BadInput[];
  readonly summary: RunSummary;
  /** Canonical JSON of every delivered line, with how many times it was delivered. */
  readonly deliveries: Map<string, number>;
  /** Delivered lines that are not byte-identical to an input line. */
  readonly foreignLines: number;
}

/** Options of one fault run. */
export interface FaultRunOptions {
  readonly environment?: LocalEnvironmentProps;
  /** Installs client faults once the environment runs. */
  readonly install?: (env: LocalEnvironment) => void;
  readonly run?: (env: LocalEnvironment) => Partial<RunOptions>;
  /** Bad inputs of each kind, put as raw bytes before the run. @default 0 */
  readonly badPerKind?: number;
  readonly seed?: number;
}

/** Starts an environment, installs the faults, runs a generated corpus and reads back what was delivered. */
export async function runWithFaults(options: FaultRunOptions = {}): Promise<FaultRun> {
  const corpus = generateCorpus(CONTACTS, options.seed ?? 7);
  const bad = options.badPerKind ? generateBadInputs(TEMPLATE, options.badPerKind) : [];
  // The environment loads the emulator module afresh for its endpoint; jest's registry must forget the last one.
  jest.resetModules();
  // The claims on the run's shared DynamoDB Local: the batched claim path, as in AWS.
  const env = await startLocalEnvironment({ dynamodbEndpoint: sharedDynamoDbLocal(), ...options.environment });
  const outDir = await mkdtemp(join(tmpdir(), 'ctr-faults-'));
  try {
    options.install?.(env);
    if (bad.length > 0)
      await putRawRecords(
        env.clients.kinesis,
        env.names.streamName,
        bad.map((b) => b.data),
      );
    const summary = await runLocalPipeline(env, corpus.lines, { outDir, sql: false, ...options.run?.(env) });
    const inputLines = new Set([...corpus.lines, ...bad.flatMap((b) => (b.line === undefined ? [] : [b.line]))]);
    const deliveries = new Map<string, number>();
    let foreignLines = 0;
    for (const { line } of deliveredLines(outDir)) {
      if (!inputLines.has(line)) foreignLines += 1;
      const key = canonical(JSON.parse(line));
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
    }
    return { env, outDir, corpus, bad, summary, deliveries, foreignLines };
  } catch (err) {
    await env.stop();
    await rm(outDir, { recursive: true, force: true });
    throw err;
  }
}

/** Stops a run's servers and removes its files. */
export async function disposeRun(run: FaultRun | undefined): Promise<void> {
  if (!run) return;
  await run.env.stop();
  await rm(run.outDir, { recursive: true, force: true });
}

/**
 * The setup every fault-matrix file shares: the handlers' log lines captured for the log checks, and each test's
 * run stopped and its output removed after the test, whether it passed or not.
 */
export function faultSuite(): {
  readonly logs: { lines: string[] };
  /** Runs the faults and keeps the run for the clean-up after the test. */
  run(options?: FaultRunOptions): Promise<FaultRun>;
  /** Keeps a run started another way for the clean-up after the test. */
  keep(run: FaultRun): FaultRun;
} {
  const logs = captureLogs();
  let current: FaultRun | undefined;
  afterEach(async () => {
    await disposeRun(current);
    current = undefined;
  });
  afterAll(() => logs.restore());
  const keep = (run: FaultRun) => {
    current = run;
    return run;
  };
  return { logs, keep, run: async (options) => keep(await runWithFaults(options)) };
}

/** Every distinct valid record the input holds (canonical JSON), the valid bad-input kinds included. */
export function expectedRecords(run: FaultRun): Set<string> {
  const expected = new Set(run.corpus.expected);
  for (const b of run.bad) if (b.line !== undefined) expected.add(canonical(JSON.parse(b.line)));
  return expected;
}

/** Expected records that were never delivered. */
export const lostRecords = (run: FaultRun): string[] => [...expectedRecords(run)].filter((k) => !run.deliveries.has(k));

/** Records delivered more than once. */
export const duplicatedRecords = (run: FaultRun): string[] =>
  [...run.deliveries].filter(([, n]) => n > 1).map(([k]) => k);

/** Quarantine objects as `{reason, data}`. */
export function quarantineObjects(run: FaultRun): Array<{ reason: string; data: string }> {
  return filesUnder(run.outDir)
    .filter((k) => k.startsWith('quarantine/'))
    .map((k) => JSON.parse(readFileSync(join(run.outDir, k), 'utf8')) as { reason: string; dataBase64: string })
    .map((o) => ({ reason: o.reason, data: o.dataBase64 }));
}

/**
 * The common assertions of every fault: nothing lost, nothing foreign, every rejected record in quarantine
 * with its reason, no batch given up (the mapping drained every shard), latest version per contact exact.
 */
export async function expectSoundRun(run: FaultRun): Promise<void> {
  // Counts and a few examples: a full list of CTRs would bury the failure message.
  const lost = lostRecords(run);
  expect({ lost: lost.length, examples: lost.slice(0, 2) }).toEqual({ lost: 0, examples: [] });
  expect(run.foreignLines).toBe(0);
  expect([...run.deliveries.keys()].filter((k) => !expectedRecords(run).has(k))).toEqual([]);

  const quarantine = quarantineObjects(run);
  const malformed = new Set(
    run.corpus.lines
      .filter((l) => !l.startsWith('{"') || !l.endsWith('}'))
      .map((l) => Buffer.from(l).toString('base64')),
  );
  expect(malformed.size).toBe(run.corpus.malformed);
  for (const data of malformed)
    expect(quarantine.filter((q) => q.data === data).map((q) => q.reason)).toEqual(['NOT_JSON']);
  // Identical bad records (the empty ones) are separate stream records: one object each.
  const rejected = run.bad.filter((x) => x.expected !== 'deliver');
  for (const b of rejected) {
    const copies = rejected.filter((x) => x.data.equals(b.data)).length;
    expect({
      kind: b.kind,
      reasons: quarantine.filter((q) => q.data === b.data.toString('base64')).map((q) => q.reason),
    }).toEqual({
      kind: b.kind,
      reasons: Array.from({ length: copies }, () => b.expected),
    });
  }
  expect(quarantine).toHaveLength(run.corpus.malformed + run.bad.filter((b) => b.expected !== 'deliver').length);

  expect(run.env.mapping.stats.recordsToFailureDestination).toBe(0);
  expect(filesUnder(run.outDir).filter((k) => k.startsWith('failures/'))).toEqual([]);
  await expectLatestExact(run);
}

/** `ctr_latest` (one row per contact, the newest LastUpdateTimestamp) in DuckDB SQL over the delivered objects equals the input's. */
export async function expectLatestExact(run: FaultRun): Promise<void> {
  const want = new Map<string, string>();
  for (const key of expectedRecords(run)) {
    const r = JSON.parse(key) as { ContactId: string; LastUpdateTimestamp: string };
    if (!want.has(r.ContactId) || r.LastUpdateTimestamp > want.get(r.ContactId)!)
      want.set(r.ContactId, r.LastUpdateTimestamp);
  }
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(ctrTableSql(run.outDir));
    const reader = await connection.runAndReadAll(
      `SELECT ContactId, LastUpdateTimestamp FROM ctr QUALIFY row_number() OVER (PARTITION BY ContactId ORDER BY LastUpdateTimestamp DESC) = 1`,
    );
    const got = new Map(reader.getRowObjects().map((row) => [String(row.ContactId), String(row.LastUpdateTimestamp)]));
    expect(got.size).toBe(want.size);
    expect([...want].filter(([id, ts]) => got.get(id) !== ts)).toEqual([]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Captures everything written to stdout/stderr and the console, for the log checks; `restore()` puts them back. */
export function captureLogs(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const consoleMethods = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => [m, console[m]] as const);
  const collect = (chunk: unknown) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l !== ''),
    );
    return true;
  };
  process.stdout.write = collect as typeof process.stdout.write;
  process.stderr.write = collect as typeof process.stderr.write;
  for (const [m] of consoleMethods) console[m] = (...args: unknown[]) => void collect(args.map(String).join(' '));
  return {
    lines,
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
      for (const [m, f] of consoleMethods) console[m] = f;
    },
  };
}

const PHONE = /\+\d{10,15}/;
const CTR_BODY =
  /"(CustomerEndpoint|SystemEndpoint|AWSAccountId|AgentConnectionAttempts|Attributes|Recording)"|TELEPHONE_NUMBER|Steve\.Lusk/;
const CREDENTIAL = /S3RVER|aws_secret_access_key|AWS_SECRET_ACCESS_KEY|Signature=|Credential=|X-Amz-Security-Token/i;

/** Log lines that leak a phone number, a CTR body or a credential. */
export const leakingLines = (lines: readonly string[]): string[] =>
  lines.filter((l) => PHONE.test(l) || CTR_BODY.test(l) || CREDENTIAL.test(l));
