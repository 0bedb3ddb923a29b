import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalEnvironment } from '../environment';
import { readInputFile, type InputRecord } from '../input';
import { runLocalPipeline, type RunSummary } from '../pipeline';
import { formatFaultRun, formatProgress, formatSummary } from './format';
import { exportObjects, listKeys } from '../bucket';
import { FAULT_CATALOG, parseFaultSpec, planFaults, type FaultReport } from '../faults/catalog';
import { FaultSpecError } from '../faults/errors';
import { inputBytes, verifyDelivery, type VerifyReport } from '../verify';
import { runQueryCommand } from '../sql/query-command';
import { SOURCE_OPTIONS, UsageError, checkSourceOptions, timeZoneOption } from './source-options';

const MAIN_HELP = `Usage: ctr <command> [options]

Commands:
  local     Run the pipeline on this machine against local servers (no AWS account needed)
  query     Run a named analytics query locally (DuckDB over "ctr local --out DIR") or on Athena
  doctor    Prove a deployed stack works end to end in your AWS account (run once after "cdk deploy")
  report    Write an HTML report with charts of the named queries (locally or on Athena)

Options:
  -h, --help  Show help. "ctr <command> --help" shows a command's options.
`;

const faultHelp = Object.entries(FAULT_CATALOG)
  .map(([name, f]) => `    ${`${name}${f.value === 'none' ? '' : `=${f.value === 'rate' ? 'RATE' : 'N'}`}`.padEnd(35)}${f.help}${f.value === 'none' ? '' : ` (default ${f.default})`}`)
  .join('\n');

const LOCAL_HELP = `Usage: ctr local --input FILE... [--out DIR] [--json] [--fault NAME[=VALUE]]... [--verify]

Runs CTRs through the whole pipeline on local servers started in this process: the emulator Lambda
puts them into Kinesis (kinesalite), the dedup Lambda reads them through a local event source mapping,
claims fingerprints in DynamoDB (dynalite) and forwards first-seen records to a local Firehose endpoint
that writes GZIP objects to S3 (s3rver). DuckDB then counts contacts per day.

Options:
  -i, --input FILE     Input file (repeatable): a JSON array, one JSON object, or newline-delimited
                       records (a line that is not JSON is sent as its raw bytes, and is quarantined).
  -o, --out DIR        Keep the bucket's objects in DIR under their S3 keys (ctr/dt=YYYY-MM-DD/...,
                       quarantine/, failures/, firehose-errors/). Default: a temporary directory, removed.
      --json           Print one JSON summary object on stdout; progress and logs go to stderr.
      --shards N       Shards of the local stream. Default: 2.
      --firehose-failure-rate F
                       Fraction (0-1) of Firehose entries the local endpoint fails, to watch the
                       resends work. Default: 0.
      --fault NAME[=VALUE]
                       Inject a fault (repeatable; at most one die-*). RATE is a fraction from 0 to 1.
${faultHelp}
      --report FILE    At the end, write the HTML report of "ctr report" over the delivered objects to FILE.
      --verify         Compare what was delivered with the input: lost, duplicated and quarantined
                       counts, and whether the latest version of every contact is the input's latest.
                       Exit code 3 when a record is lost, foreign, not quarantined, or a latest
                       version is wrong (duplicates alone are reported, not failed).
  -h, --help           Show this help.
`;

export { UsageError } from './source-options';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help') {
      process.stdout.write(MAIN_HELP);
      return command === undefined ? 1 : 0;
    }
    if (command === 'local') return await localCommand(rest);
    if (command === 'query') return await queryCommand(rest);
    // Loaded on use, by require: under the CLI's tsx CJS loader `import('./doctor')` fails (ERR_MODULE_NOT_FOUND).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (command === 'doctor') return await (require('./doctor') as typeof import('./doctor')).doctorCommand(rest);
    // Loaded on demand (charting libraries); require, since tsx's CommonJS hook does not serve import().
    if (command === 'report') return await (require('./report') as typeof import('./report')).reportCommand(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`ctr: ${(err as Error).message}\nRun "ctr --help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`ctr: ${(err as Error).name}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function localCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string', short: 'i', multiple: true },
      out: { type: 'string', short: 'o' },
      json: { type: 'boolean', default: false },
      shards: { type: 'string' },
      'firehose-failure-rate': { type: 'string' },
      fault: { type: 'string', multiple: true },
      verify: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(LOCAL_HELP);
    return 0;
  }
  const inputs = values.input ?? [];
  if (inputs.length === 0) throw new UsageError('--input FILE is required');
  const shards = values.shards === undefined ? 2 : Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > 50) throw new UsageError('--shards must be an integer from 1 to 50');
  const failureRate = values['firehose-failure-rate'] === undefined ? 0 : Number(values['firehose-failure-rate']);
  if (!(failureRate >= 0 && failureRate < 1)) throw new UsageError('--firehose-failure-rate must be from 0 to below 1');
  let plan: ReturnType<typeof planFaults>;
  try {
    plan = planFaults((values.fault ?? []).map(parseFaultSpec));
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(err.message);
    throw err;
  }

  const records: InputRecord[] = [];
  for (const file of inputs) records.push(...(await readInputFile(file)));

  // With --json, stdout carries exactly one JSON object: anything else written there (logs) goes to stderr.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  if (values.json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  const outDir = values.out ? resolve(values.out) : await mkdtemp(join(tmpdir(), 'ctr-out-'));
  const showProgress = process.stderr.isTTY === true;
  const env = await startLocalEnvironment({
    shardCount: shards,
    // As the stack does: callers' numbers reach ctr/ only as tokens (under the local key).
    pseudonymize: true,
    ...plan.environment,
    firehoseFaults: plan.environment.firehoseFaults ?? (failureRate > 0 ? { failEntryFraction: failureRate, seed: 1 } : undefined),
  });
  let summary: RunSummary;
  let faults: FaultReport | undefined;
  let verify: VerifyReport | undefined;
  let report: import('./report').SavedReport | undefined;
  try {
    await plan.install(env);
    summary = await runLocalPipeline(env, records, {
      outDir,
      onProgress: showProgress ? (p) => process.stderr.write(`\r\x1b[K${formatProgress(p)}`) : undefined,
      ...plan.runOptions(env),
      preloaded: plan.extraInputs.length,
    });
    if (showProgress) process.stderr.write('\n');
    if (await plan.after(env)) {
      await exportObjects(env.clients.s3, env.names.bucketName, await listKeys(env.clients.s3, env.names.bucketName), outDir);
    }
    if (values.fault?.length) faults = plan.report();
    if (values.verify) verify = verifyDelivery([...plan.extraInputs, ...records.map(inputBytes)], outDir, env.pseudonymize);
    if (values.report) report = await (require('./report') as typeof import('./report')).saveReport({ kind: 'local', out: outDir }, values.report);
  } finally {
    await env.stop();
    if (!values.out) await rm(outDir, { recursive: true, force: true });
    process.stdout.write = stdoutWrite;
  }

  const location = values.out ? outDir : 'temporary directory, removed (use --out DIR to keep them)';
  if (values.json) {
    stdoutWrite(`${JSON.stringify({ ...summary, outDir: values.out ? outDir : null, ...(faults ? { faults } : {}), ...(verify ? { verify } : {}) })}\n`);
  } else {
    stdoutWrite(`${formatSummary(summary, location)}\n`);
    if (faults || verify) stdoutWrite(`${formatFaultRun(faults, verify)}\n`);
  }
  if (report) (require('./report') as typeof import('./report')).announceReport(report, values.json ? (t) => process.stderr.write(t) : stdoutWrite);
  return verify && !verify.ok ? 3 : 0;
}

const QUERY_HELP = `Usage: ctr query NAME [--out DIR] [--time-zone TZ] [--json]
       ctr query NAME --athena --workgroup W [--database D] [--region R] [--time-zone TZ] [--json]
       ctr query --list [--json]

Runs a named query (analytics/queries/NAME.sql), the same SQL text the stack saves in Athena.
Locally it runs on DuckDB over the objects "ctr local --out DIR" kept, with the views created from
analytics/views/*.sql and macros giving DuckDB the Trino functions the queries use.

Options:
  -o, --out DIR        Directory written by "ctr local --out DIR". Required for a local run.
      --athena         Run on Amazon Athena instead (AWS credentials and region from the environment).
      --workgroup W    Athena workgroup (the stack output AthenaWorkGroupName). Required with --athena.
      --database D     Glue database. Default: derived from the workgroup ("<Stack>-ctr" -> "<stack>_ctr").
      --region R       AWS Region. Default: from the environment.
      --time-zone TZ   IANA time zone (such as Asia/Seoul) for dates, hours and intervals. Default: UTC.
                       On Athena the views use the stack's timeZone: pass the same zone.
      --json           Print the rows as one JSON array.
  -l, --list           List the named queries.
  -h, --help           Show this help.
`;

async function queryCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      ...SOURCE_OPTIONS,
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', short: 'l', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(QUERY_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one query name expected, got ${positionals.join(' ')}`);
  const name = positionals[0];
  if (!values.list && name === undefined) throw new UsageError('a query NAME or --list is required ("ctr query --list" lists them)');
  checkSourceOptions(values);
  if (!values.athena && !values.list && !values.out) throw new UsageError('--out DIR is required (the DIR of "ctr local --out DIR")');
  await runQueryCommand(
    {
      name,
      list: values.list,
      json: values.json,
      out: values.out ? resolve(values.out) : undefined,
      timeZone: timeZoneOption(values['time-zone']),
      athena: values.athena ? { workGroup: values.workgroup!, database: values.database, region: values.region } : undefined,
    },
    (text) => process.stdout.write(text),
  );
  return 0;
}
