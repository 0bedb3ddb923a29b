import { Logger } from '@aws-lambda-powertools/logger';
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidEventError, RecordsNotSentError } from '../../lambda-emulator/src/errors';
import { createEmulatorHandler } from '../../lambda-emulator/src/handler';
import samples from '../../samples/duplicated_samples.json';

const kinesisMock = mockClient(KinesisClient);
const CONTACT_ID = '6fe40d2a-1a89-4d73-bfcf-5d9c33894f47';

/** Accepts every entry except those at the given positions of the first call. */
function acceptExceptFirstCall(failAt: number[], code = 'ProvisionedThroughputExceededException') {
  let sequence = 0;
  kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    Records: input.Records!.map((_, i) =>
      failAt.includes(i)
        ? { ErrorCode: code, ErrorMessage: 'Rate exceeded' }
        : { SequenceNumber: String(++sequence), ShardId: 's-0' },
    ),
  }));
}

function makeHandler() {
  return createEmulatorHandler({
    kinesis: new KinesisClient({ region: 'us-east-1' }),
    config: { streamName: 'ctr-stream' },
    logger: new Logger({ serviceName: 'ctr-emulator-test' }),
    sendOptions: { sleep: async () => undefined, maxAttempts: 2 },
  });
}

/** Collects everything written to stdout and stderr while `run` runs. */
async function captureOutput(run: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run().catch(() => undefined);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
}

beforeEach(() => kinesisMock.reset());

describe('emulator handler', () => {
  test('sends the sample CTRs with ContactId as partition key and returns the counts', async () => {
    acceptExceptFirstCall([]);
    const result = await captureOutput(async () =>
      expect(await makeHandler()(samples)).toEqual({ sent: 6, failed: [] }),
    );
    expect(result).toContain('"sent":6');
    const entries = kinesisMock.commandCalls(PutRecordsCommand)[0].args[0].input.Records!;
    expect(entries.map((e) => e.PartitionKey)).toEqual(Array(6).fill(CONTACT_ID));
    expect(entries.map((e) => Buffer.from(e.Data!).toString())).toEqual(samples.map((s) => JSON.stringify(s)));
  });

  test('fails the invocation with RecordsNotSentError carrying the result and naming the counts', async () => {
    // First call: entries 1 and 4 refused; the resend (maxAttempts 2) is refused as well.
    let calls = 0;
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      calls += 1;
      return {
        Records: input.Records!.map((_, i) =>
          calls > 1 || [1, 4].includes(i)
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' }
            : { SequenceNumber: `${i}`, ShardId: 's-0' },
        ),
      };
    });

    const error = await makeHandler()({ records: samples }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RecordsNotSentError);
    const notSent = error as RecordsNotSentError;
    expect(notSent.name).toBe('RecordsNotSentError');
    expect(notSent.message).toBe('2 of 6 records not sent (4 sent): #1 InternalFailure, #4 InternalFailure');
    expect(notSent.result).toEqual({
      sent: 4,
      failed: [
        { index: 1, errorCode: 'InternalFailure', errorMessage: 'x' },
        { index: 4, errorCode: 'InternalFailure', errorMessage: 'x' },
      ],
    });
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(2);
  });

  test('rejects a bad event with InvalidEventError before calling Kinesis', async () => {
    acceptExceptFirstCall([]);
    await expect(makeHandler()('just a string')).rejects.toThrow(InvalidEventError);
    await expect(makeHandler()({ records: 'nope' })).rejects.toThrow(/"records" is a string; expected/);
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });
});

describe('emulator logs', () => {
  // Values from the samples that must never reach a log: phone numbers, agent name, attributes, ARNs.
  const secrets = [
    '+190011112222',
    '+18003335555',
    '+18002430000',
    'Steve.Lusk',
    '8477597_002_00002',
    'arn:aws:connect',
  ];

  test('holds counts, indexes and error codes only: no payload, no phone number', async () => {
    const output = await captureOutput(async () => {
      acceptExceptFirstCall([]);
      await makeHandler()(samples);
      acceptExceptFirstCall([0, 2, 3, 5]); // resend round, then RecordsNotSentError
      await makeHandler()(samples).catch(() => undefined);
      await makeHandler()(samples[0]);
      await makeHandler()([samples[0], 5]).catch(() => undefined);
    });

    const lines = output.split('\n').filter((l) => l.trim().startsWith('{'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const messages = lines.map((l) => JSON.parse(l).message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Records put into the stream',
        'Resending records that Kinesis rejected',
        'Records not sent',
      ]),
    );
    expect(output).toContain('"index":0');
    expect(output).toContain('ProvisionedThroughputExceededException');
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/\+\d{7,}/);
  });
});
