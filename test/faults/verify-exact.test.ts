import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FAULT_CATALOG, parseFaultSpec, planFaults } from '../../local/faults/catalog';
import { verifyDelivery } from '../../local/verify';
import { ctr } from '../dedup/helpers';

// Finding 10: `--verify` must fail on a duplicate when every injected fault is one the Guarantees call exact.
describe('--verify and duplicates', () => {
  let dir: string;
  const record = ctr('c-dup');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verify-exact-'));
    // Where the delivery stream backs up every record it accepted, as sent.
    mkdirSync(join(dir, 'backup', 'dt=2022-01-05'), { recursive: true });
    writeFileSync(join(dir, 'backup', 'dt=2022-01-05', 'part-1.gz'), gzipSync(`${record}\n${record}\n`));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a CTR delivered twice fails the check by default, and is only reported where duplicates are allowed', () => {
    const strict = verifyDelivery([Buffer.from(record)], dir);
    expect(strict).toMatchObject({ duplicated: 1, lost: 0, duplicatesFail: true, ok: false });
    expect(verifyDelivery([Buffer.from(record)], dir, { duplicatesFail: false })).toMatchObject({
      duplicated: 1,
      ok: true,
    });
  });

  test('a plan is exact only when every fault in it is one the Guarantees call exact', () => {
    const plan = (...names: string[]) => planFaults(names.map(parseFaultSpec));
    expect(plan().exact).toBe(true);
    expect(plan('die-after-claim=0.3', 'firehose-entries=0.3', 'batch-twice').exact).toBe(true);
    expect(plan('die-after-claim=0.3', 'dynamodb-errors').exact).toBe(false);
    expect(plan('die-before-receipt').exact).toBe(false);
    expect(
      Object.entries(FAULT_CATALOG)
        .filter(([, f]) => !f.exact)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['die-before-receipt', 'die-mid-batch', 'dynamodb-errors']);
  });
});
