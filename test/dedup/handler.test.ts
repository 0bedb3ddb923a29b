import { DEDUP_METRICS } from '../../lambda-dedup/src/constants';
import { handlerWithFakes } from './fakes';
import {
  duplicatedSamples,
  failWrites,
  kinesisEvent,
  readSample,
  startDynamoDb,
  testConfig,
  throttled,
} from './helpers';

let db: Awaited<ReturnType<typeof startDynamoDb>>;
beforeAll(async () => {
  db = await startDynamoDb('dedup');
});
afterAll(async () => db.stop());

/** Everything written to stdout and stderr while `fn` runs, as lines. */
async function captureOutput(fn: () => Promise<void>): Promise<string[]> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  try {
    await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('').split('\n').filter(Boolean);
}

/** A handler as the Lambda builds it, on the real claims store, with fault-injecting Firehose and S3. */
function makeHandler(logLevel: 'INFO' | 'DEBUG') {
  return handlerWithFakes(db.client, logLevel, { config: testConfig() });
}

describe('dedup handler', () => {
  test('returns the batch item failures and publishes counts as CloudWatch embedded metrics', async () => {
    const { handler, firehose, s3 } = makeHandler('INFO');
    let response: unknown;
    const lines = await captureOutput(async () => {
      response = await handler(kinesisEvent([...duplicatedSamples(), 'not json']));
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf).toMatchObject({
      [DEDUP_METRICS.recordsIn]: 7,
      [DEDUP_METRICS.forwarded]: 3,
      [DEDUP_METRICS.duplicatesInBatch]: 3,
      [DEDUP_METRICS.duplicatesStored]: 0,
      [DEDUP_METRICS.quarantined]: 1,
      [DEDUP_METRICS.failures]: 0,
    });
    firehose.mock.restore();
    s3.mock.restore();
  });

  test('no log line carries a CTR payload, a phone number, a contact id or a credential, whatever happens', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    process.env.AWS_SECRET_ACCESS_KEY = secret;
    const { handler, firehose, s3 } = makeHandler('DEBUG');
    const samples = [readSample('case1.json'), readSample('case2.json'), readSample('case3.json')];
    // The first record's claim is throttled on every attempt, so its failure is logged.
    let victim: string | undefined;
    failWrites(db.client, (w) => {
      if (w.verb !== 'INSERT') return undefined;
      victim ??= w.key;
      return victim === w.key ? throttled() : undefined;
    });
    firehose.state.reject = (line) => (line.includes('2022-01-11T04:09:47Z') ? 'InternalFailure' : undefined);

    const lines = await captureOutput(async () => {
      await handler(kinesisEvent([...samples, 'Call from +190011112222 failed', '{"ContactId":"c-x"}', '']));
      s3.state.fail = new Error('AccessDenied');
      await handler(kinesisEvent(['Call from +18003335555'], { first: 20 }));
    });
    jest.restoreAllMocks();
    firehose.mock.restore();
    s3.mock.restore();

    expect(lines.length).toBeGreaterThan(5);
    const forbidden = [
      '+1900',
      '+1800',
      '190011112222',
      '18003335555',
      'Steve.Lusk',
      '6fe40d2a-1a89-4d73-bfcf-5d9c33894f47',
      'c-x',
      secret,
    ];
    forbidden.push(...samples.map((s) => Buffer.from(s).toString('base64').slice(0, 40)));
    for (const line of lines) {
      for (const needle of forbidden) expect(line).not.toContain(needle);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    // The logs still say what happened.
    expect(lines.some((l) => l.includes('Record quarantined') && l.includes('NOT_JSON'))).toBe(true);
    expect(lines.some((l) => l.includes('ProvisionedThroughputExceeded'))).toBe(true);
  });
});
