process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../local/cli/main';
import { localPseudonymizer } from '../../local/environment';
import { inputBytes, type VerifyReport, verifyDelivery } from '../../local/verify';
import { generateCorpus } from '../local/corpus';
import { captureLogs } from './harness';

async function runCli(args: string[]): Promise<{ code: number; output: string[] }> {
  const logs = captureLogs();
  try {
    jest.resetModules();
    const code = await main(args);
    return { code, output: logs.lines };
  } finally {
    logs.restore();
  }
}

// `ctr local --fault ... --verify --json`: the same check a user can run on their own data.
describe('ctr local --fault --verify', () => {
  const corpus = generateCorpus(150, 21);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctr-cli-faults-'));
    writeFileSync(join(dir, 'input.ndjson'), `${corpus.lines.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('reports lost, duplicated and quarantined counts that match the input, under faults', async () => {
    const { code, output } = await runCli([
      'local',
      '--input',
      join(dir, 'input.ndjson'),
      '--out',
      join(dir, 'out'),
      '--json',
      '--verify',
      '--fault',
      'firehose-entries=0.2',
      '--fault',
      'batch-twice',
      '--fault',
      'bad-inputs=1',
      '--fault',
      'replay',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(output.find((l) => l.startsWith('{"recordsIn"'))!) as {
      recordsIn: number;
      duplicatesDropped: number;
      verify: VerifyReport;
      faults: Record<string, Record<string, number>>;
    };
    // The 13 injected bad inputs (11 kinds to quarantine; a huge attribute map and a byte-order mark to deliver) count as input.
    expect(json.recordsIn).toBe(corpus.lines.length + 13);
    expect(json.duplicatesDropped).toBeGreaterThanOrEqual(0);
    // Expected from the generator: its distinct records plus the two valid bad-input kinds.
    expect(json.verify).toMatchObject({
      expectedDistinct: corpus.expected.size + 2,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      quarantined: corpus.malformed + 11,
      quarantineMissing: 0,
      failedRecords: 0,
      latestMismatches: 0,
      ok: true,
    });
    expect(json.verify.quarantineReasons).toMatchObject({
      NOT_JSON: corpus.malformed + 1,
      UNREPRESENTABLE_NUMBER: 2,
      DUPLICATE_KEY: 1,
      IMPOSSIBLE_INITIATION_DATE: 1,
    });
    expect(json.faults.replay.forwarded).toBe(0);
    expect(json.faults.batchTwice.redelivered).toBeGreaterThan(0);
  }, 600_000);

  test('verification fails when delivered records are missing', async () => {
    const out = join(dir, 'out');
    // --verify reads whole records from the source-record backup (the Parquet under ctr/ keeps only the schema's columns).
    const day = readdirSync(join(out, 'backup')).sort()[0];
    for (const file of readdirSync(join(out, 'backup', day))) rmSync(join(out, 'backup', day, file));
    const report = verifyDelivery(corpus.lines.map(inputBytes), out, { pseudonymize: localPseudonymizer() });
    expect(report.lost).toBeGreaterThan(0);
    expect(report.latestMismatches).toBeGreaterThan(0);
    expect(report.ok).toBe(false);
  });

  test('rejects an unknown fault or a bad rate as a usage error', async () => {
    expect((await runCli(['local', '--input', join(dir, 'input.ndjson'), '--fault', 'gremlins'])).code).toBe(2);
    expect((await runCli(['local', '--input', join(dir, 'input.ndjson'), '--fault', 'dynamodb-throttle=2'])).code).toBe(
      2,
    );
    expect(
      (
        await runCli([
          'local',
          '--input',
          join(dir, 'input.ndjson'),
          '--fault',
          'die-after-claim',
          '--fault',
          'die-mid-batch',
        ])
      ).code,
    ).toBe(2);
  });

  test('documents every fault in --help', async () => {
    const { output } = await runCli(['local', '--help']);
    const help = output.join('\n');
    for (const name of [
      'firehose-entries',
      'firehose-outage',
      'dynamodb-throttle',
      'dynamodb-throttle-persistent',
      'dynamodb-errors',
      'die-after-claim',
      'die-before-receipt',
      'die-after-receipt',
      'die-mid-batch',
      'batch-twice',
      'two-pollers',
      'replay',
      'bad-inputs',
    ]) {
      expect(help).toContain(name);
    }
    expect(help).toContain('--verify');
  });
});
