process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

import { exactPairs, MATRIX_TIMEOUT_MS, runCombination } from './combinations';

/** What every combination of exact faults must give: the whole input once, nothing lost, nothing twice. */
async function expectExact(specs: string[]): Promise<void> {
  const run = await runCombination(specs);
  expect(run.verify).toMatchObject({
    expectedDistinct: run.expectedDistinct,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    quarantineMissing: 0,
    latestMismatches: 0,
    failedRecords: 0,
    duplicatesFail: true,
    ok: true,
  });
  expect(run.failedRecords).toBe(0);
  // The faults really happened together: a death fault chose victims, and killed invocations unless two pollers
  // shared the shard. There a victim may find every record held by the other poller's live invocation, deliver
  // nothing (no Firehose call, no receipt) and so never reach its death point: an outcome, not a missed fault.
  if (specs.some((s) => s.startsWith('die-'))) {
    expect(run.faults.functionDeath.victims).toBeGreaterThan(0);
    if (!specs.includes('two-pollers')) expect(run.faults.functionDeath.killedInvocations).toBeGreaterThan(0);
  }
}

// Finding 10: faults that are each exact must be exact together.
describe('fault matrix: every pair of exact faults', () => {
  test.each(exactPairs().map((pair) => [pair.join(' + '), pair]))(
    '%s',
    async (_, pair) => expectExact(pair as string[]),
    MATRIX_TIMEOUT_MS,
  );
});

describe('fault matrix: larger sets of exact faults', () => {
  test.each([
    [['die-after-claim=0.3', 'firehose-entries=0.3', 'batch-twice']],
    [['die-after-claim=0.3', 'firehose-entries=0.3', 'batch-twice', 'dynamodb-throttle=0.2']],
    [['die-after-receipt=0.3', 'two-pollers', 'firehose-outage=5', 'dynamodb-throttle-persistent=0.05', 'replay']],
    [
      [
        'firehose-entries=0.3',
        'firehose-outage=5',
        'dynamodb-throttle=0.2',
        'dynamodb-throttle-persistent=0.05',
        'batch-twice',
        'two-pollers',
        'replay',
        'bad-inputs',
      ],
    ],
  ])('%j', async (specs) => expectExact(specs), MATRIX_TIMEOUT_MS);
});
