// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { runLocalPipeline } from '../../local/pipeline';
import { canonical, generateCorpus } from './corpus';
import { deliveredLines, filesUnder } from './delivered';
import { usePipeline } from './pipeline-fixture';

const POISON = JSON.stringify({ ContactId: 'poison-contact', InitiationTimestamp: '2022-01-05T00:00:00Z' });
const hasPoison = (event: KinesisStreamEvent) =>
  event.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8') === POISON);

// A limit, not an assertion: whole pipeline runs, which a busy machine can slow several times over.
jest.setTimeout(600_000);

// Firehose failing entries and whole calls, and a record that makes the function throw every time.
describe('local pipeline under faults', () => {
  const corpus = generateCorpus(400, 11);
  let poisonInvocations = 0;
  const pipeline = usePipeline(() => ({
    firehoseFaults: { failEntryFraction: 0.3, failFirstCalls: 2, seed: 5 },
    eventSource: { retryAttempts: 2 },
    wrapHandler: (handler) => async (event) => {
      if (hasPoison(event)) {
        poisonInvocations += 1;
        throw new Error('function crashed');
      }
      return handler(event);
    },
  }));

  test('still delivers exactly the distinct valid records, and sends the poison batch to the failure destination', async () => {
    const { env, outDir } = pipeline;
    const lines = [...corpus.lines];
    lines.splice(Math.floor(lines.length / 2), 0, POISON);
    const summary = await runLocalPipeline(env, lines, { outDir, sql: false });

    const delivered = deliveredLines(outDir);
    expect(delivered).toHaveLength(corpus.expected.size);
    expect(new Set(delivered.map((d) => canonical(JSON.parse(d.line))))).toEqual(corpus.expected);
    expect(summary.quarantined).toBe(corpus.malformed);

    // Firehose really failed entries (the endpoint accepted fewer entries than were attempted).
    expect(env.mapping.stats.partialFailures + env.mapping.stats.functionErrors).toBeGreaterThan(0);

    // Bisected down to the poison record alone, retried twice, then given up on with the record kept.
    expect(summary.failedRecords).toBe(1);
    expect(poisonInvocations).toBeGreaterThanOrEqual(3);
    const failureKeys = filesUnder(outDir).filter((k) => k.startsWith('failures/'));
    expect(failureKeys).toHaveLength(1);
    const document = JSON.parse(readFileSync(join(outDir, failureKeys[0]), 'utf8'));
    expect(document.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(document.KinesisBatchInfo.batchSize).toBe(1);
    const payload = JSON.parse(document.payload) as KinesisStreamEvent;
    expect(Buffer.from(payload.Records[0].kinesis.data, 'base64').toString('utf8')).toBe(POISON);
  });
});
