import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLAIMS_SERVERS, type ClaimsServerChoice } from '../../servers/claims-server';
import { CliError, EXIT, UsageError } from '../errors';
import { handleInterrupt } from '../interrupt';
import { claimOutDir, type OutDir } from '../out-dir';
import { startProgress } from '../progress';

// Heavy modules (the SDK, the local servers, DuckDB) are required inside `run`, so that `--help` is quick.
/* eslint-disable @typescript-eslint/no-require-imports */
const faultsModule = () => require('../../faults/catalog') as typeof import('../../faults/catalog');

const faultHelp = () =>
  Object.entries(faultsModule().FAULT_CATALOG)
    .map(
      ([name, f]) =>
        `    ${`${name}${f.value === 'none' ? '' : `=${f.value === 'rate' ? 'RATE' : 'N'}`}`.padEnd(35)}${f.help}${f.value === 'none' ? '' : ` (default ${f.default})`}`,
    )
    .join('\n');

const help =
  () => `Usage: ctr local --input FILE... [--out DIR [--replace]] [--json] [--fault NAME[=VALUE]]... [--verify]

Runs CTRs through the whole pipeline on local servers started for the run: the emulator Lambda
puts them into Kinesis (kinesalite), the dedup Lambda reads them through a local event source mapping,
claims fingerprints in DynamoDB (see --dynamodb) and forwards first-seen records to a local Firehose endpoint
that writes GZIP objects to S3 (s3rver). DuckDB then counts contacts per day.

Options:
  -i, --input FILE...  Input: files, directories (every file under them) or "-" (standard input); give
                       several after one --input or repeat it. Newline-delimited records, a JSON array,
                       one JSON object, or JSON objects concatenated with no separator, each possibly
                       gzipped. The input is streamed: files of any size. A line that is not JSON (or
                       not UTF-8) is sent as its raw bytes and quarantined; a record over Kinesis's
                       1 MiB limit is quarantined (reason TOO_LARGE) without being sent.
  -o, --out DIR        Keep the bucket's objects in DIR under their S3 keys (ctr/dt=YYYY-MM-DD/...,
                       quarantine/, failures/, firehose-errors/). DIR must be empty or new.
                       Default: a temporary directory, removed.
      --replace        Let --out name a directory that holds an earlier run's output: it is deleted first.
      --json           Print one JSON summary object on stdout (with "error" on failure); progress and
                       logs go to stderr.
      --shards N       Shards of the local stream. Default: 2.
      --dynamodb SERVER
                       Where the claims table lives: dynalite (in this process, starts at once),
                       dynamodb-local (AWS's DynamoDB Local, a Java process: seconds to start, several
                       times faster on big inputs) or auto: dynamodb-local for inputs of 16 MiB or more
                       when Java is installed, else dynalite. Default: auto.
      --firehose-failure-rate F
                       Fraction (0-1) of Firehose entries the local endpoint fails, to watch the
                       resends work. Default: 0.
      --fault NAME[=VALUE]
                       Inject a fault (repeatable; at most one die-*). RATE is a fraction from 0 to 1.
${faultHelp()}
      --report FILE    At the end, write the HTML report of "ctr report" over the delivered objects to FILE.
      --verify         Compare what was delivered with the input: lost, duplicated and quarantined
                       counts, and whether the latest version of every contact is the input's latest.
                       Exit code 3 when a record is lost, foreign, not quarantined, or a latest
                       version is wrong (duplicates alone are reported, not failed).
  -h, --help           Show this help.

Progress goes to stderr: a line every 5 s when stderr is not a terminal. Ctrl-C stops reading the input,
delivers what was already sent, prints the summary and exits with 130; a second Ctrl-C stops at once.
Exit codes: 0 done, 1 error, 2 usage error, 3 --verify found a problem, 4 the input held no records.
`;

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string', short: 'i', multiple: true },
      out: { type: 'string', short: 'o' },
      replace: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      shards: { type: 'string' },
      dynamodb: { type: 'string', default: 'auto' },
      'firehose-failure-rate': { type: 'string' },
      fault: { type: 'string', multiple: true },
      verify: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    // `--input a.json b.json`: the files after the first arrive as positionals.
    allowPositionals: true,
    strict: true,
  });
  const inputs = [...(values.input ?? []), ...positionals];
  const shards = values.shards === undefined ? 2 : Number(values.shards);
  const failureRate = values['firehose-failure-rate'] === undefined ? 0 : Number(values['firehose-failure-rate']);
  return { values, inputs, shards, failureRate };
}

/** `ctr local`. */
export async function run(argv: readonly string[]): Promise<number> {
  const { values, inputs, shards, failureRate } = parse(argv);
  if (values.help) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  if (inputs.length === 0)
    throw new UsageError('--input FILE is required (a file, a directory, or - for standard input)');
  if (!Number.isInteger(shards) || shards < 1 || shards > 50)
    throw new UsageError('--shards must be an integer from 1 to 50');
  if (!(failureRate >= 0 && failureRate < 1)) throw new UsageError('--firehose-failure-rate must be from 0 to below 1');
  if (!(CLAIMS_SERVERS as readonly string[]).includes(values.dynamodb))
    throw new UsageError(`--dynamodb must be one of ${CLAIMS_SERVERS.join(', ')}`);
  if (values.replace && !values.out) throw new UsageError('--replace goes with --out DIR');
  const { parseFaultSpec, planFaults } = faultsModule();
  let plan: ReturnType<typeof planFaults>;
  try {
    plan = planFaults((values.fault ?? []).map(parseFaultSpec));
  } catch (err) {
    // Both throw only FaultSpecError, for a bad --fault argument.
    throw new UsageError((err as Error).message);
  }

  const { readRecords, resolveSources } = require('../../input') as typeof import('../../input');
  // Inputs and --out are checked before anything starts: a wrong path fails at once.
  const reader = readRecords(await resolveSources(inputs));
  const out: OutDir | undefined = values.out ? claimOutDir(resolve(values.out), values.replace) : undefined;
  let tempOut: string | undefined;
  try {
    const iterator = reader[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) {
      throw new CliError(
        `the input (${inputs.join(', ')}) holds no records: nothing was run; check that it is the right file`,
        EXIT.emptyInput,
      );
    }
    async function* records(): AsyncGenerator<Buffer> {
      yield first.value;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    }
    tempOut = out ? undefined : await mkdtemp(join(tmpdir(), 'ctr-out-'));
    return await runPipeline({
      values,
      shards,
      failureRate,
      plan,
      records: records(),
      reader,
      outDir: out?.path ?? tempOut!,
      kept: out !== undefined,
    });
  } finally {
    if (tempOut) await rm(tempOut, { recursive: true, force: true });
    out?.release();
  }
}

interface RunInputs {
  readonly values: ReturnType<typeof parse>['values'];
  readonly shards: number;
  readonly failureRate: number;
  readonly plan: import('../../faults/catalog').FaultPlan;
  readonly records: AsyncIterable<Buffer>;
  readonly reader: import('../../input').RecordReader;
  readonly outDir: string;
  /** Whether outDir is the user's --out (else temporary). */
  readonly kept: boolean;
}

async function runPipeline({
  values,
  shards,
  failureRate,
  plan,
  records,
  reader,
  outDir,
  kept,
}: RunInputs): Promise<number> {
  const { localPseudonymizer, startLocalEnvironment } =
    require('../../environment') as typeof import('../../environment');
  const { runLocalPipeline, summarySql } = require('../../pipeline') as typeof import('../../pipeline');
  const { startClaimsServer } = require('../../servers/claims-server') as typeof import('../../servers/claims-server');
  const { exportObjects, listKeys } = require('../../bucket') as typeof import('../../bucket');
  const { DeliveryVerifier } = require('../../verify') as typeof import('../../verify');
  const { formatFaultRun, formatSummary } = require('../format') as typeof import('../format');

  // With --json, stdout carries exactly one JSON object: anything else written there (logs) goes to stderr.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  if (values.json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const abort = new AbortController();
  let env: import('../../environment').LocalEnvironment | undefined;
  const uninstall = handleInterrupt(
    () => abort.abort(),
    () => {
      if (env) rmSync(env.tempDir, { recursive: true, force: true });
      if (!kept) rmSync(outDir, { recursive: true, force: true });
    },
  );
  let latest = { read: 0, sent: 0, processed: 0, inputDone: false, forwarded: 0 };
  // Done is what the pipeline has processed, not what was sent: sending ends long before the run does, and
  // once the input is read its count is the total the ETA runs to.
  const stopProgress = startProgress(() => ({
    done: Math.min(latest.processed, latest.sent),
    total: latest.inputDone ? latest.sent : undefined,
    detail: `sent ${latest.sent}, forwarded ${latest.forwarded}`,
    fraction: reader.progress.totalBytes ? reader.progress.bytesRead / reader.progress.totalBytes : undefined,
  }));
  // The run pseudonymizes callers as the stack does (local key), so the verifier expects tokens too.
  const verifier = values.verify
    ? new DeliveryVerifier({ duplicatesFail: plan.exact, pseudonymize: localPseudonymizer() })
    : undefined;
  for (const data of plan.extraInputs) verifier?.add(data);
  let claims: import('../../servers/claims-server').ClaimsServer | undefined;
  try {
    claims = await startClaimsServer(values.dynamodb as ClaimsServerChoice, reader.progress.totalBytes);
    if (claims.fallback) process.stderr.write(`ctr: using dynalite for the claims table: ${claims.fallback}\n`);
    env = await startLocalEnvironment({
      dynamodbEndpoint: claims.server?.endpoint,
      shardCount: shards,
      dataOnDisk: true,
      kinesisProcess: true,
      pseudonymize: true,
      // Big runs: fewer GetRecords calls (pages of 1,000 split into the stack's batches of 100) and the stack's
      // 60 s buffer interval, so Firehose writes objects of up to 5 MiB instead of one per partition a second.
      // The run's end flushes whatever is buffered, so a small run is not slower for it.
      readLimit: 1000,
      firehoseBufferIntervalMs: 60_000,
      ...plan.environment,
      firehoseFaults:
        plan.environment.firehoseFaults ?? (failureRate > 0 ? { failEntryFraction: failureRate, seed: 1 } : undefined),
    });
    await plan.install(env);
    const run = await runLocalPipeline(env, records, {
      outDir,
      // Run after the servers stop (below): their memory and DuckDB's are then not needed at the same time.
      sql: false,
      onProgress: (p) => (latest = p),
      onRecord: verifier ? (data) => verifier.add(data) : undefined,
      signal: abort.signal,
      ...plan.runOptions(env),
      preloaded: plan.extraInputs.length,
    });
    stopProgress();
    if (await plan.after(env)) {
      await exportObjects(
        env.clients.s3,
        env.names.bucketName,
        await listKeys(env.clients.s3, env.names.bucketName),
        outDir,
      );
    }
    const stopping = env;
    env = undefined;
    await stopping.stop();
    await claims.server?.close();
    claims = { ...claims, server: undefined };
    // The check hashes every delivered line on this thread while DuckDB runs the summary on its own.
    const [sql, verify] = await Promise.all([
      summarySql(outDir, run.objectsWritten.ctr > 0),
      verifier?.checkBeside(outDir),
    ]);
    const summary = { ...run, ...sql };
    const faults = values.fault?.length ? plan.report() : undefined;
    const reports = values.report ? (require('../report') as typeof import('../report')) : undefined;
    const report = reports ? await reports.saveReport({ kind: 'local', out: outDir }, values.report!) : undefined;
    const location = kept ? outDir : 'temporary directory, removed (use --out DIR to keep them)';
    if (values.json) {
      stdoutWrite(
        `${JSON.stringify({ ...summary, outDir: kept ? outDir : null, claimsServer: claims.kind, ...(faults ? { faults } : {}), ...(verify ? { verify } : {}) })}\n`,
      );
    } else {
      stdoutWrite(`${formatSummary(summary, location)}\n`);
      if (faults || verify) stdoutWrite(`${formatFaultRun(faults, verify)}\n`);
    }
    if (report) reports!.announceReport(report, values.json ? (t) => process.stderr.write(t) : stdoutWrite);
    if (summary.interrupted) {
      process.stderr.write(
        `ctr: interrupted after ${summary.recordsIn} records of the input; the summary covers those\n`,
      );
      return EXIT.interrupted;
    }
    return verify && !verify.ok ? EXIT.verifyFailed : EXIT.ok;
  } catch (err) {
    throw (require('../partial-run') as typeof import('../partial-run')).runFailedMidway(err, latest);
  } finally {
    stopProgress();
    uninstall();
    try {
      await env?.stop();
    } finally {
      await claims?.server?.close();
      process.stdout.write = stdoutWrite;
    }
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */
