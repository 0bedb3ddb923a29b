process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPseudonymizer } from '../../lambda-dedup/src/pseudonymize';
import { main } from '../../local/cli/main';
import { LOCAL_PSEUDONYMIZATION_KEY } from '../../local/environment';
import { verifyDelivery, inputBytes, type VerifyReport } from '../../local/verify';
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

  it('reports lost, duplicated and quarantined counts that match the input, under faults', async () => {
    const { code, output } = await runCli([
      'local', '--input', join(dir, 'input.ndjson'), '--out', join(dir, 'out'), '--json', '--verify',
      '--fault', 'firehose-entries=0.2', '--fault', 'batch-twice', '--fault', 'bad-inputs=1', '--fault', 'replay',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(output.find((l) => l.startsWith('{"recordsIn"'))!) as {
      recordsIn: number;
      duplicatesDropped: number;
      verify: VerifyReport;
      faults: Record<string, Record<string, number>>;
    };
    // The 8 injected bad inputs (7 malformed kinds and one valid CTR with a huge attribute map) count as input.
    expect(json.recordsIn).toBe(corpus.lines.length + 8);
    expect(json.duplicatesDropped).toBeGreaterThanOrEqual(0);
    // Expected from the generator: its distinct records plus the one valid bad-input kind (huge attribute map).
    expect(json.verify).toMatchObject({
      expectedDistinct: corpus.expected.size + 1,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      quarantined: corpus.malformed + 7,
      quarantineMissing: 0,
      failedRecords: 0,
      latestMismatches: 0,
      ok: true,
    });
    expect(json.verify.quarantineReasons.NOT_JSON).toBe(corpus.malformed + 1);
    expect(json.faults.replay.forwarded).toBe(0);
    expect(json.faults.batchTwice.redelivered).toBeGreaterThan(0);
  }, 120_000);

  it('verification fails when delivered records are missing', async () => {
    const out = join(dir, 'out');
    const day = readdirSync(join(out, 'ctr')).sort()[0];
    for (const file of readdirSync(join(out, 'ctr', day))) rmSync(join(out, 'ctr', day, file));
    const report = verifyDelivery(corpus.lines.map(inputBytes), out, createPseudonymizer(Buffer.from(LOCAL_PSEUDONYMIZATION_KEY)));
    expect(report.lost).toBeGreaterThan(0);
    expect(report.latestMismatches).toBeGreaterThan(0);
    expect(report.ok).toBe(false);
  });

  it('rejects an unknown fault or a bad rate as a usage error', async () => {
    expect((await runCli(['local', '--input', join(dir, 'input.ndjson'), '--fault', 'gremlins'])).code).toBe(2);
    expect((await runCli(['local', '--input', join(dir, 'input.ndjson'), '--fault', 'dynamodb-throttle=2'])).code).toBe(2);
    expect((await runCli(['local', '--input', join(dir, 'input.ndjson'), '--fault', 'die-after-claim', '--fault', 'die-mid-batch'])).code).toBe(2);
  });

  it('documents every fault in --help', async () => {
    const { output } = await runCli(['local', '--help']);
    const help = output.join('\n');
    for (const name of ['firehose-entries', 'firehose-outage', 'dynamodb-throttle', 'dynamodb-throttle-persistent', 'dynamodb-errors',
      'die-after-claim', 'die-before-receipt', 'die-after-receipt', 'die-mid-batch', 'batch-twice', 'two-pollers', 'replay', 'bad-inputs']) {
      expect(help).toContain(name);
    }
    expect(help).toContain('--verify');
  });
});
