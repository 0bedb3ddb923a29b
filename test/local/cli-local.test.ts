import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE } from '../../local/cli/out-dir';
import { generateCorpus } from './corpus';

// `ctr local` as a user runs it: a real process, its exit code, stdout and stderr.
const CTR = join(__dirname, '../../local/cli/ctr.js');
const sample = JSON.parse(readFileSync(join(__dirname, '../../samples/case1.json'), 'utf8')) as Record<string, unknown>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ctr(
  args: string[],
  options: {
    env?: Record<string, string>;
    stdin?: string;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CTR, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The user-facing rule for errors: one sentence on stderr, no class names, errno codes or stack frames. */
function expectPlainError(run: Run, code: number, words: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(words);
  expect(run.stderr).not.toMatch(/\b(E[A-Z]{3,}|[A-Z][a-zA-Z]+Error)\b|\n\s+at /);
}

describe('ctr local (spawned)', () => {
  let dir: string;
  let tmp: string;
  let samples: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-cli-'));
    tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    samples = join(__dirname, '../../samples/duplicated_samples.json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => join(dir, name);

  test('--version and --help answer without loading the SDK, DuckDB or aws-cdk-lib', async () => {
    const version = await ctr(['--version']);
    expect(version.stdout).toBe(
      `ctr ${(JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version}\n`,
    );
    const probe = `require('tsx/cjs/api').register();
      require(${JSON.stringify(join(__dirname, '../../local/cli/main.ts'))}).main(['--help']).then(() => {
        process.stderr.write(JSON.stringify(Object.keys(require.cache).filter((k) => /aws-cdk-lib|@duckdb|@aws-sdk|kinesalite/.test(k))));
      });`;
    const loaded = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', probe], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('close', () => resolve(err));
    });
    expect(JSON.parse(loaded)).toEqual([]);
  });

  test('takes several files after one --input, and - for standard input', async () => {
    const one = path('one.json');
    writeFileSync(one, JSON.stringify(sample));
    const run = await ctr(['local', '--input', samples, one, '-', '--json'], {
      stdin: `${JSON.stringify({ ...sample, ContactId: 'from-stdin' })}\n`,
    });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { recordsIn: number; delivered: number };
    expect(summary).toMatchObject({ recordsIn: 8, delivered: 4 });
  });

  test('keeps the claims table in DynamoDB Local with --dynamodb dynamodb-local, delivering exactly; refuses an unknown server', async () => {
    const run = await ctr(['local', '--input', samples, '--dynamodb', 'dynamodb-local', '--json', '--verify']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      claimsServer: string;
      delivered: number;
      verify: { ok: boolean; duplicated: number };
    };
    expect(summary).toMatchObject({
      claimsServer: 'dynamodb-local',
      delivered: 3,
      verify: { ok: true, duplicated: 0 },
    });
    expectPlainError(
      await ctr(['local', '--input', samples, '--dynamodb', 'mysql']),
      2,
      /--dynamodb must be one of auto, dynalite, dynamodb-local/,
    );
    // No java on the PATH: the run fails at once and says what to install.
    mkdirSync(path('no-java'));
    const noJava = await ctr(['local', '--input', samples, '--dynamodb', 'dynamodb-local'], {
      env: { PATH: path('no-java') },
    });
    expectPlainError(noJava, 1, /DynamoDB Local could not be started \(java was not found\); install Java 17/);
  });

  test('quarantines a record too large for Kinesis with its reason, delivers the rest, and logs no error about them', async () => {
    const huge = { ...sample, ContactId: 'huge', Attributes: { blob: 'x'.repeat(1100 * 1024) } };
    const input = path('huge.ndjson');
    writeFileSync(input, `${JSON.stringify(sample)}\n${JSON.stringify(huge)}\n`);
    const out = path('huge-out');
    const run = await ctr(['local', '--input', input, '--out', out, '--json', '--verify']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      recordsIn: 2,
      sent: 1,
      tooLargeForStream: 1,
      delivered: 1,
      quarantined: 1,
      duplicatesDropped: 0,
    });
    expect(summary.verify).toMatchObject({ ok: true, lost: 0, quarantineMissing: 0 });
    const day = readdirSync(join(out, 'quarantine'))[0];
    const [file] = readdirSync(join(out, 'quarantine', day, 'input'));
    const entry = JSON.parse(readFileSync(join(out, 'quarantine', day, 'input', file), 'utf8')) as {
      reason: string;
      dataBase64: string;
    };
    expect(entry.reason).toBe('TOO_LARGE');
    expect(Buffer.from(entry.dataBase64, 'base64').toString()).toBe(JSON.stringify(huge));
    expect(run.stderr).not.toMatch(/"level":"ERROR"|not processed/);
  });

  test('keeps a line that is not UTF-8 as its exact bytes in quarantine', async () => {
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const input = path('latin.ndjson');
    writeFileSync(input, Buffer.concat([Buffer.from(`${JSON.stringify(sample)}\n`), bad, Buffer.from('\n')]));
    const out = path('latin-out');
    const run = await ctr(['local', '--input', input, '--out', out, '--json']);
    expect(run.code).toBe(0);
    const day = readdirSync(join(out, 'quarantine'))[0];
    const shard = readdirSync(join(out, 'quarantine', day))[0];
    const [file] = readdirSync(join(out, 'quarantine', day, shard));
    const entry = JSON.parse(readFileSync(join(out, 'quarantine', day, shard, file), 'utf8')) as {
      reason: string;
      dataBase64: string;
    };
    expect(entry.reason).toBe('INVALID_UTF8');
    expect(Buffer.from(entry.dataBase64, 'base64').equals(bad)).toBe(true);
  });

  test("refuses a non-empty --out unless --replace, which deletes only a run's output", async () => {
    const out = path('reused');
    expect((await ctr(['local', '--input', samples, '--out', out])).code).toBe(0);
    expectPlainError(
      await ctr(['local', '--input', samples, '--out', out]),
      1,
      /--out .*reused is not empty .*--replace/,
    );
    const replaced = await ctr(['local', '--input', samples, '--out', out, '--replace', '--json']);
    expect(replaced.code).toBe(0);
    // Replaced, not merged: the daily table counts this run's 3 records only.
    expect((JSON.parse(replaced.stdout) as { dailyContacts: unknown }).dailyContacts).toEqual([
      { dt: '2022-01-05', contacts: 1, records: 3 },
    ]);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    expectPlainError(
      await ctr(['local', '--input', samples, '--out', out, '--replace']),
      1,
      /files ctr did not write \(notes\.txt\)/,
    );
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('refuses an --out another live run holds, and takes over a lock left by a dead one', async () => {
    const out = path('locked');
    mkdirSync(out);
    writeFileSync(join(out, LOCK_FILE), String(process.pid));
    expectPlainError(
      await ctr(['local', '--input', samples, '--out', out]),
      1,
      new RegExp(`another ctr run \\(process ${process.pid}\\)`),
    );
    writeFileSync(join(out, LOCK_FILE), '999999999');
    const run = await ctr(['local', '--input', samples, '--out', out]);
    expect(run.code).toBe(0);
    expect(readdirSync(out)).not.toContain(LOCK_FILE);
  });

  test('fails at once, in words, on a bad --out, a missing file, a directory without files, an unknown option', async () => {
    expectPlainError(
      await ctr(['local', '--input', samples, '--out', '/proc/x']),
      1,
      /cannot use --out \/proc\/x .*choose a directory/,
    );
    expectPlainError(
      await ctr(['local', '--input', path('nope.json')]),
      1,
      /nope\.json" does not exist: check the path/,
    );
    mkdirSync(path('nothing'));
    expectPlainError(await ctr(['local', '--input', path('nothing')]), 1, /holds no files/);
    expectPlainError(
      await ctr(['local', '--input', samples, '--frobnicate']),
      2,
      /Unknown option '--frobnicate'.*ctr --help/,
    );
  });

  test('with --json prints exactly one JSON object with "error" on failure', async () => {
    const run = await ctr(['local', '--input', path('nope.json'), '--json']);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ error: expect.stringMatching(/does not exist/), exitCode: 1 });
  });

  test('says so when the input holds no records (exit code 4)', async () => {
    writeFileSync(path('empty.json'), '\n\n');
    expectPlainError(await ctr(['local', '--input', path('empty.json')]), 4, /holds no records: nothing was run/);
  });

  test('prints progress lines with the rate and ETA when stderr is not a terminal', async () => {
    const corpus = generateCorpus(300, 5);
    writeFileSync(path('progress.ndjson'), corpus.lines.join('\n'));
    const run = await ctr(['local', '--input', path('progress.ndjson'), '--json'], {
      env: { CTR_PROGRESS_INTERVAL_MS: '20' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^progress: \d+ records, sent \d+, forwarded \d+, \d+ records\/s, \d+% of the input read, ETA (\d+:\d\d|unknown)$/m,
    );
    // Once the input is read, progress counts the records processed against their total. The run goes on
    // for at least Firehose's buffer interval after the last record is sent, so such lines are printed.
    const total = corpus.lines.length;
    expect(run.stderr).toMatch(
      new RegExp(
        `^progress: \\d+/${total} records, sent ${total}, forwarded \\d+, \\d+ records/s, 100% of the input read, ETA (\\d+:\\d\\d|unknown)$`,
        'm',
      ),
    );
  });

  test('stops cleanly on Ctrl-C: summary of what was done, exit 130, no temporary folders left', async () => {
    const corpus = generateCorpus(3000, 9);
    writeFileSync(path('long.ndjson'), corpus.lines.join('\n'));
    let sent = false;
    const run = await ctr(['local', '--input', path('long.ndjson'), '--json'], {
      env: { CTR_PROGRESS_INTERVAL_MS: '50', TMPDIR: tmp },
      // The first progress line proves the run is under way.
      onStderr: (text, child) => {
        if (!sent && text.includes('progress:')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    const summary = JSON.parse(run.stdout) as { interrupted: boolean; recordsIn: number; sent: number };
    expect(summary.interrupted).toBe(true);
    expect(summary.recordsIn).toBeLessThan(corpus.lines.length);
    expect(summary.sent).toBe(summary.recordsIn);
    expect(run.stderr).toMatch(/ctr: interrupted after \d+ records/);
    // (tsx keeps its own compile cache there.)
    expect(readdirSync(tmp).filter((name) => name.startsWith('ctr-'))).toEqual([]);
  });
});
