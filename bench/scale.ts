// `npm run bench:scale`: `ctr local --verify` end to end on a generated file of CTRs the size of a large
// contact center's export; prints records/s, peak RSS and the verify result. A benchmark, not a test:
// figures depend on the machine and its load, which it prints too.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../local/firehose/faults';
import { ProcessTreeSampler } from './process-tree';

const HELP = `Usage: npm run bench:scale -- [--records N] [--dup-ratio R] [--dynamodb SERVER] [--keep]

Generates N CTRs (about 3 KB each, from samples/case1-3.json) into a temporary NDJSON file, runs
"ctr local --input FILE --verify --json" on it in a child process, and prints records/s, CPU seconds,
peak RSS (of all the run's processes together: Node and DynamoDB Local's JVM) and the verification.

  --records N     CTRs to generate, copies included. Default: 250000 (about 750 MB).
  --dup-ratio R   Fraction that are exact copies of a recent record. Default: 0.2.
  --dynamodb S    Passed to ctr local (auto, dynalite, dynamodb-local). Default: auto.
  --keep          Keep the generated file and the output directory.
`;

const TARGETS = { recordsPerSecond: 1000, peakRssBytes: 1024 ** 3 };

/** Writes `records` CTRs as NDJSON, streaming (the file never sits in memory); returns the distinct count. */
async function generate(path: string, records: number, dupRatio: number): Promise<number> {
  const templates = ['case1.json', 'case2.json', 'case3.json'].map(
    (name) => JSON.parse(readFileSync(join(__dirname, '..', 'samples', name), 'utf8')) as Record<string, unknown>,
  );
  const random = mulberry32(11);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const recent: string[] = [];
  const out = createWriteStream(path);
  let distinct = 0;
  const start = Date.UTC(2022, 0, 3);
  for (let i = 0; i < records; i += 1) {
    let line: string;
    if (recent.length > 0 && random() < dupRatio) line = recent[Math.floor(random() * recent.length)];
    else {
      distinct += 1;
      const at = start + Math.floor(random() * 7 * 86_400) * 1000;
      const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      line = JSON.stringify({
        ...templates[i % 3],
        ContactId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        InitiationTimestamp: iso(at),
        LastUpdateTimestamp: iso(at + 600_000),
        CustomerEndpoint: { Address: `+1555${String(i % 10_000_000).padStart(7, '0')}`, Type: 'TELEPHONE_NUMBER' },
      });
      recent.push(line);
      if (recent.length > 1000) recent.shift();
    }
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return distinct;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '250000' },
      'dup-ratio': { type: 'string', default: '0.2' },
      dynamodb: { type: 'string', default: 'auto' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const records = Number(values.records);
  const dupRatio = Number(values['dup-ratio']);
  const dir = mkdtempSync(join(tmpdir(), 'ctr-bench-scale-'));
  const input = join(dir, 'ctrs.ndjson');
  try {
    process.stderr.write(`generating ${records} CTRs...\n`);
    const distinct = await generate(input, records, dupRatio);
    const bytes = statSync(input).size;
    const loadBefore = loadavg()[0];
    const started = Date.now();
    // GNU time reports the CPU seconds (user, system) of the run and of every process it started and waited for
    // (DynamoDB Local's JVM), threads included: CPU per record depends less on the machine's load than the rate.
    // Memory is the sum of the resident sets of all those processes, sampled: GNU time's maximum is per process.
    const child = spawn(
      '/usr/bin/time',
      [
        ...[
          '-f',
          '%M %U %S',
          '-o',
          join(dir, 'rss'),
          process.execPath,
          join(__dirname, '..', 'local', 'cli', 'ctr.js'),
          'local',
        ],
        ...['--input', input, '--out', join(dir, 'out'), '--verify', '--json', '--dynamodb', values.dynamodb],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const tree = new ProcessTreeSampler(child.pid!);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    tree.stop();
    const seconds = (Date.now() - started) / 1000;
    const [maxRssKiB, userSeconds, systemSeconds] = readFileSync(join(dir, 'rss'), 'utf8')
      .trim()
      .split('\n')
      .pop()!
      .split(' ')
      .map(Number);
    const peakRss = Math.max(tree.peakTotalRssBytes, maxRssKiB * 1024);
    const cpuSeconds = userSeconds + systemSeconds;
    // On failure `ctr --json` prints only `error` (and the exit code).
    const summary = JSON.parse(stdout) as {
      error?: string;
      delivered?: number;
      claimsServer?: string;
      verify?: { ok: boolean; lost: number; duplicated: number; expectedDistinct: number };
    };
    // GNU time is the run's wrapper, not part of it.
    const ofTheRun = ([name]: [string, unknown]) => !name.startsWith('time ');
    const processes = [...tree.byProcess].filter(ofTheRun);
    const rate = records / seconds;
    const row = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(24)}${value}\n`);
    process.stdout.write(
      `\nctr local --verify on ${records} CTRs (${(bytes / 1024 ** 2).toFixed(0)} MiB, ${distinct} distinct)\n`,
    );
    row(
      'machine',
      `${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
    );
    row('exit code', String(code));
    row('elapsed', `${seconds.toFixed(0)} s`);
    // A run that stopped early processed fewer than `records`: no rate can be derived from it.
    const unfinished = code === 0 ? undefined : `not measured: the run stopped before the end (exit code ${code})`;
    row(
      'records/s',
      unfinished ??
        `${rate.toFixed(0)} (target >= ${TARGETS.recordsPerSecond}: ${rate >= TARGETS.recordsPerSecond ? 'met' : 'not met'})`,
    );
    row('claims table', summary.claimsServer ?? 'unknown (the run failed)');
    row(
      'CPU',
      `${cpuSeconds.toFixed(0)} s (user ${userSeconds.toFixed(0)}, system ${systemSeconds.toFixed(0)}): ${((cpuSeconds / records) * 1000).toFixed(2)} s per 1,000 records, ${(cpuSeconds / seconds).toFixed(2)} cores busy`,
    );
    const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
    const perThousand = (seconds: number) => ((seconds / records) * 1000).toFixed(2);
    for (const [name, p] of processes)
      row(
        `  ${name}`,
        `${p.cpuSeconds.toFixed(0)} s CPU (${perThousand(p.cpuSeconds)} s per 1,000; busiest thread ${p.busiestThreadCpuSeconds.toFixed(0)} s), peak RSS ${mib(p.peakRssBytes)} MiB (${mib(p.fileRssAtPeakBytes)} file-backed)`,
      );
    // On 2 idle cores a run can go no faster than its CPU allows: the total spread over both cores, and no
    // thread faster than its own CPU (Node's JavaScript runs on one thread; DuckDB, zlib and the JVM's GC and
    // compiler run on others). An upper bound, not a measurement: it assumes perfect overlap.
    const busiest = Math.max(...processes.map(([, p]) => p.busiestThreadCpuSeconds));
    const bound = Math.max(cpuSeconds / 2, busiest);
    row(
      'CPU bound, 2 idle cores',
      unfinished ??
        `<= ${(records / bound).toFixed(0)} records/s (records / max(CPU / 2 = ${(cpuSeconds / 2).toFixed(0)} s, busiest thread ${busiest.toFixed(0)} s))`,
    );
    row(
      'peak RSS',
      `${mib(peakRss)} MiB, all processes, of which ${mib(tree.fileRssAtPeakBytes)} MiB file-backed (target <= 1024: ${peakRss <= TARGETS.peakRssBytes ? 'met' : 'not met'})`,
    );
    row(
      '  made of',
      [...tree.rssAtPeak]
        .filter((entry) => ofTheRun(entry) && entry[1] >= 32 * 1024 ** 2)
        .map(([name, bytes]) => `${name} ${mib(bytes)} MiB`)
        .join(', '),
    );
    if (summary.verify) {
      row('delivered', `${summary.delivered} of ${summary.verify.expectedDistinct} expected`);
      row(
        'verify',
        `${summary.verify.ok ? 'OK' : 'FAILED'}: lost ${summary.verify.lost}, duplicated ${summary.verify.duplicated}`,
      );
    } else row('verify', `not reached: ${summary.error ?? 'no summary'}`);
  } finally {
    if (values.keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scale: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
