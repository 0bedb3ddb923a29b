process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

import { BAD_INPUT_KINDS } from '../../local/faults/bad-inputs';
import { deliverBatchesTwice, replayFromTrimHorizon, secondPoller } from '../../local/faults/redelivery';
import { verifyDelivery } from '../../local/verify';
import { duplicatedRecords, expectSoundRun, faultSuite, leakingLines, RUN_TIMEOUT_MS } from './harness';

// The stream's own at-least-once behaviour, and inputs that are not CTRs.
describe('fault matrix: redelivery, concurrent pollers, replay and bad inputs', () => {
  const suite = faultSuite();
  const { logs } = suite;

  test(
    'batch-twice: every batch is invoked again after it succeeded; the batch receipts drop the second delivery',
    async () => {
      const twice = deliverBatchesTwice(1);
      const run = await suite.run({ environment: { wrapHandler: twice.wrap } });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(twice.stats.redelivered).toBe(run.env.mapping.stats.invocations);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'two-pollers: a second mapping reads the same shards concurrently, with other batch boundaries; nothing lost, nothing twice',
    async () => {
      const run = await suite.run({ run: (env) => ({ alsoDrain: secondPoller(env, { batchSize: 37 }) }) });
      await expectSoundRun(run);
      // A record held by the other poller's live invocation is waited for (its receipt) or retried, never delivered again.
      expect(duplicatedRecords(run)).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'replay: the whole stream read again from the trim horizon after a full run delivers nothing new',
    async () => {
      const run = await suite.run({});
      await expectSoundRun(run);
      const accepted = run.env.firehose.stats(run.env.names.deliveryStreamName).recordsAccepted;
      const replay = await replayFromTrimHorizon(run.env);
      expect(replay.recordsRead).toBe(run.corpus.lines.length);
      expect(replay.recordsToFailureDestination).toBe(0);
      // Firehose accepted nothing more, so no object can hold a second copy.
      expect(run.env.firehose.stats(run.env.names.deliveryStreamName).recordsAccepted).toBe(accepted);
      expect(run.env.firehose.stats(run.env.names.deliveryStreamName).recordsDelivered).toBe(run.summary.delivered);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    'hostile inputs: every kind is quarantined with its reason or delivered once, mixed into a corpus; no batch throws; --verify reports each',
    async () => {
      const run = await suite.run({ badPerKind: 3 });
      await expectSoundRun(run);
      expect(duplicatedRecords(run)).toEqual([]);
      expect(new Set(run.bad.map((b) => b.kind))).toEqual(new Set(BAD_INPUT_KINDS));
      // Nothing went to the failure destination and no invocation failed: no batch threw.
      expect(run.env.mapping.stats.functionErrors).toBe(0);
      const verify = verifyDelivery(
        [...run.bad.map((b) => b.data), ...run.corpus.lines.map((l) => Buffer.from(l))],
        run.outDir,
      );
      const reasons: Record<string, number> = { NOT_JSON: run.corpus.malformed };
      for (const b of run.bad) if (b.expected !== 'deliver') reasons[b.expected] = (reasons[b.expected] ?? 0) + 1;
      expect(verify).toMatchObject({
        lost: 0,
        duplicated: 0,
        unexpected: 0,
        quarantineMissing: 0,
        quarantineReasons: reasons,
        ok: true,
      });
    },
    RUN_TIMEOUT_MS,
  );

  test('writes no phone number, CTR body or credential to any log line', () => {
    expect(logs.lines.some((l) => l.includes('Record quarantined'))).toBe(true);
    expect(leakingLines(logs.lines)).toEqual([]);
  });
});
