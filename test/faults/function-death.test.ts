process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

import { type DeathPoint, type DeathStats, injectFunctionDeaths } from '../../local/faults/function-death';
import { canonical } from '../local/corpus';
import {
  DEATH_ENVIRONMENT,
  duplicatedRecords,
  expectSoundRun,
  type FaultRun,
  faultSuite,
  leakingLines,
  RUN_TIMEOUT_MS,
  runWithFaults,
} from './harness';

async function runWithDeaths(point: DeathPoint, rate: number): Promise<{ run: FaultRun; stats: DeathStats }> {
  let stats: DeathStats | undefined;
  const run = await runWithFaults({
    environment: DEATH_ENVIRONMENT,
    install: (env) => (stats = injectFunctionDeaths(env, { point, rate, seed: 9 })),
  });
  return { run, stats: stats! };
}

// The dedup function dies at chosen points; the mapping's timeout notices, retries and bisects.
describe('fault matrix: function death', () => {
  const suite = faultSuite();
  const { logs } = suite;

  test(
    'die-after-claim: claims written, nothing delivered; the retry recognises its own claims, nothing lost or twice',
    async () => {
      const result = await runWithDeaths('after-claim', 0.3);
      const run = suite.keep(result.run);
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      // Victims stop before their first Firehose call: killed there, or at their short deadline on a busy machine.
      expect(result.stats.stoppedVictims).toBeGreaterThan(0);
      expect(run.env.mapping.stats.functionErrors).toBeGreaterThanOrEqual(result.stats.kills);
      expect(result.stats.atRiskLines.size).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'die-after-receipt: delivered and receipt written, never returned; the batch receipt makes the retry exact',
    async () => {
      const result = await runWithDeaths('after-receipt', 0.3);
      const run = suite.keep(result.run);
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(result.stats.kills).toBeGreaterThan(0);
      // Killed after the receipt: the killed invocations' later calls (none) and answers were frozen.
      expect(result.stats.atRiskLines.size).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'die-before-receipt: delivered, receipt never written: duplicates appear, only there; ctr_latest still exact',
    async () => {
      const result = await runWithDeaths('before-receipt', 0.3);
      const run = suite.keep(result.run);
      await expectSoundRun(run);
      const atRisk = new Set([...result.stats.atRiskLines].map((line) => canonical(JSON.parse(line))));
      const duplicates = duplicatedRecords(run);
      // The unavoidable window really produced duplicates, and every one lies in it.
      expect(duplicates.length).toBeGreaterThan(0);
      expect(duplicates.filter((d) => !atRisk.has(d))).toEqual([]);
      // At most one extra copy per death of the invocation holding it.
      for (const d of duplicates) expect(run.deliveries.get(d)!).toBeLessThanOrEqual(1 + result.stats.kills);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'die-mid-batch: killed before a random request, as a timeout would; duplicates only from deliveries in flight at the kill',
    async () => {
      const result = await runWithDeaths('mid-batch', 0.3);
      const run = suite.keep(result.run);
      await expectSoundRun(run);
      expect(result.stats.stoppedVictims).toBeGreaterThan(0);
      expect(result.stats.frozenRequests).toBeGreaterThan(0);
      const atRisk = new Set([...result.stats.atRiskLines].map((line) => canonical(JSON.parse(line))));
      expect(duplicatedRecords(run).filter((d) => !atRisk.has(d))).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  test('writes no phone number, CTR body or credential to any log line', () => {
    expect(logs.lines.some((l) => l.includes('Batch processed'))).toBe(true);
    expect(leakingLines(logs.lines)).toEqual([]);
  });
});
