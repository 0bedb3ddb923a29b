// `npm run bench:scale`: `ctr local --verify` end to end on a generated file of CTRs the size of a large
// contact center's export; prints records/s, peak RSS and the verify result. A benchmark, not a test:
// figures depend on the machine and its load, which it prints too.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../local/firehose/faults';

const HELP = `Usage: npm run bench:scale -- [--records N] [--dup-ratio R] [--keep]

Generates N CTRs (about 3 KB each, from samples/case1-3.json) into a temporary NDJSON file, runs
"ctr local --input FILE --verify --json" on it in a child process, and prints records/s, peak RSS
(the child's maximum resident set) and the verification.

  --records N     CTRs to generate, copies included. Default: 250000 (about 750 MB).
  --dup-ratio R   Fraction that are exact copies of a recent record. Default: 0.2.
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
    // GNU time reports the child's peak RSS (maximum resident set size, KiB) without sampling.
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M', '-o', join(dir, 'rss'), process.execPath, join(__dirname, '..', 'local', 'cli', 'ctr.js'), 'local', '--input', input, '--out', join(dir, 'out'), '--verify', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = (Date.now() - started) / 1000;
    const peakRss = Number(readFileSync(join(dir, 'rss'), 'utf8').trim().split('\n').pop()) * 1024;
    const summary = JSON.parse(stdout) as { delivered: number; verify: { ok: boolean; lost: number; duplicated: number; expectedDistinct: number } };
    const rate = records / seconds;
    const row = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(24)}${value}\n`);
    process.stdout.write(`\nctr local --verify on ${records} CTRs (${(bytes / 1024 ** 2).toFixed(0)} MiB, ${distinct} distinct)\n`);
    row('machine', `${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
    row('exit code', String(code));
    row('elapsed', `${seconds.toFixed(0)} s`);
    row('records/s', `${rate.toFixed(0)} (target >= ${TARGETS.recordsPerSecond}: ${rate >= TARGETS.recordsPerSecond ? 'met' : 'not met'})`);
    row('peak RSS', `${(peakRss / 1024 ** 2).toFixed(0)} MiB (target <= 1024: ${peakRss <= TARGETS.peakRssBytes ? 'met' : 'not met'})`);
    row('delivered', `${summary.delivered} of ${summary.verify.expectedDistinct} expected`);
    row('verify', `${summary.verify.ok ? 'OK' : 'FAILED'}: lost ${summary.verify.lost}, duplicated ${summary.verify.duplicated}`);
  } finally {
    if (values.keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scale: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
