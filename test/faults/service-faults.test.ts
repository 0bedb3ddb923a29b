// Every log line the handlers write is captured and checked: INFO, so there is more to check.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

import {
  type DynamoDbFaultStats,
  injectDynamoDbFaults,
  PERSISTENT_THROTTLE_ATTEMPTS,
} from '../../local/faults/dynamodb-faults';
import { duplicatedRecords, expectSoundRun, faultSuite, leakingLines, RUN_TIMEOUT_MS } from './harness';

// Faults of the services the dedup function calls: Firehose and DynamoDB.
describe('fault matrix: Firehose and DynamoDB faults', () => {
  const suite = faultSuite();
  const { logs } = suite;

  test(
    'firehose-entries: a fraction of entries fail (FailedPutCount); nothing lost, nothing twice',
    async () => {
      // 0.4: a record fails all 4 delivery attempts with p = 0.4^4, about 30 of the corpus, so some do come back.
      const run = await suite.run({ environment: { firehoseFaults: { failEntryFraction: 0.4, seed: 3 } } });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      // The fault bit: entries were resent, and some records came back through batchItemFailures.
      expect(run.env.mapping.stats.partialFailures).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'firehose-outage: every call fails for a while (HTTP 503); nothing lost, nothing twice',
    async () => {
      const run = await suite.run({ environment: { firehoseFaults: { failFirstCalls: 40 } } });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(run.env.mapping.stats.partialFailures).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'dynamodb-throttle: throttled claims are retried (statements of a batch by the handler, a single call by the SDK); nothing lost, nothing twice',
    async () => {
      let stats: DynamoDbFaultStats | undefined;
      const run = await suite.run({
        install: (env) => (stats = injectDynamoDbFaults(env.clients.dynamodb, { throttleClaims: 0.05, seed: 2 })),
      });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(stats!.throttled).toBeGreaterThan(20);
      // Throttled claim statements were sent again (the batched path; the SDK retries only failed requests).
      expect(stats!.statementsRetried).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'dynamodb-throttle-persistent: throttling that outlasts the retries comes back through batchItemFailures, never as a duplicate',
    async () => {
      let stats: DynamoDbFaultStats | undefined;
      const run = await suite.run({
        install: (env) => (stats = injectDynamoDbFaults(env.clients.dynamodb, { throttleClaimsPersistently: 0.01 })),
      });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(stats!.throttled).toBeGreaterThanOrEqual(PERSISTENT_THROTTLE_ATTEMPTS * 3);
      expect(run.env.mapping.stats.partialFailures).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'dynamodb-errors: any DynamoDB call fails (HTTP 500); nothing lost, a duplicate only where a delivery mark was lost',
    async () => {
      let stats: DynamoDbFaultStats | undefined;
      const run = await suite.run({
        install: (env) => (stats = injectDynamoDbFaults(env.clients.dynamodb, { internalErrors: 0.05, seed: 4 })),
      });
      await expectSoundRun(run);
      expect(stats!.internalErrors).toBeGreaterThan(20);
      expect(stats!.sdkRetriesSent).toBeGreaterThan(0);
      // A copy may be delivered again only if its deliveredAt mark failed after every SDK attempt.
      const marksFailed = stats!.deliveryMarksFailed;
      const fingerprintsOfDuplicates = duplicatedRecords(run).length;
      expect(fingerprintsOfDuplicates).toBeLessThanOrEqual(marksFailed.size + stats!.receiptsFailed);
    },
    RUN_TIMEOUT_MS,
  );

  test('writes no phone number, CTR body or credential to any log line', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.some((l) => l.includes('Record quarantined'))).toBe(true);
    expect(leakingLines(logs.lines)).toEqual([]);
  });
});
