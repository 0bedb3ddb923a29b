import {
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { EMULATOR_ERROR_CODES, KINESIS_LIMITS } from '../../lambda-emulator/src/constants';
import { sendRecords } from '../../lambda-emulator/src/sendRecords';

const kinesisMock = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'us-east-1' });
const STREAM = 'ctr-stream';

let sequence = 0;
const ok = (): PutRecordsResultEntry => ({ SequenceNumber: String(++sequence), ShardId: 'shardId-000000000000' });
const throttled = (): PutRecordsResultEntry => ({
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded for shard',
});
const output = (records: PutRecordsResultEntry[]): PutRecordsCommandOutput => ({
  FailedRecordCount: records.filter((r) => r.ErrorCode).length,
  Records: records,
  $metadata: {},
});

/** Accepts every entry. */
const acceptAll = (input: PutRecordsCommandInput) => output((input.Records ?? []).map(ok));

/** Partition keys of each PutRecords call, in call order. */
const callKeys = () =>
  kinesisMock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input.Records!.map((r) => r.PartitionKey));
const callBytes = () =>
  kinesisMock
    .commandCalls(PutRecordsCommand)
    .map((c) =>
      c.args[0].input.Records!.reduce((n, r) => n + r.Data!.byteLength + Buffer.byteLength(r.PartitionKey!), 0),
    );

const noWait = () => {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
};

beforeEach(() => {
  kinesisMock.reset();
  sequence = 0;
});

describe('sendRecords chunking', () => {
  test('splits 1,201 records into calls of 500, 500 and 201, in input order, to the named stream', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(acceptAll);
    const records = Array.from({ length: 1201 }, (_, i) => ({ ContactId: `c-${i}` }));

    const result = await sendRecords(client, STREAM, records);

    expect(result).toEqual({ sent: 1201, failed: [] });
    const keys = callKeys();
    expect(keys.map((k) => k.length)).toEqual([500, 500, 201]);
    expect(keys.flat()).toEqual(records.map((r) => r.ContactId));
    for (const call of kinesisMock.commandCalls(PutRecordsCommand)) expect(call.args[0].input.StreamName).toBe(STREAM);
  });

  test('starts a new call before 5 MiB (data plus partition keys) would be exceeded', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(acceptAll);
    // 12 records of about 900 KiB: 5 fit in 5 MiB, the 6th would not.
    const body = 'x'.repeat(900 * 1024);
    const records = Array.from({ length: 12 }, (_, i) => JSON.stringify({ ContactId: `c-${i}`, body }));

    const result = await sendRecords(client, STREAM, records);

    expect(result).toEqual({ sent: 12, failed: [] });
    expect(callKeys().map((k) => k.length)).toEqual([5, 5, 2]);
    for (const bytes of callBytes()) expect(bytes).toBeLessThanOrEqual(KINESIS_LIMITS.maxBytesPerCall);
    // Each full call would have overflowed with one more record.
    const one = Buffer.byteLength(records[0]) + 'c-0'.length;
    expect(callBytes()[0] + one).toBeGreaterThan(KINESIS_LIMITS.maxBytesPerCall);
  });

  test('makes no call for no records', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(acceptAll);
    expect(await sendRecords(client, STREAM, [])).toEqual({ sent: 0, failed: [] });
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  test('sends raw strings byte for byte and objects as compact JSON', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(acceptAll);
    const raw = ' {"ContactId":"c-raw" ,\t"n": 1}\n';
    await sendRecords(client, STREAM, [raw, { ContactId: 'c-obj', Agent: null }, 'not json']);
    const sentData = kinesisMock
      .commandCalls(PutRecordsCommand)[0]
      .args[0].input.Records!.map((r) => Buffer.from(r.Data!));
    expect(sentData[0].equals(Buffer.from(raw))).toBe(true);
    expect(sentData[1].toString()).toBe('{"ContactId":"c-obj","Agent":null}');
    expect(sentData[2].toString()).toBe('not json');
    expect(callKeys()[0].slice(0, 2)).toEqual(['c-raw', 'c-obj']);
    expect(callKeys()[0][2]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('sendRecords oversize records', () => {
  test('reports a record over 1 MiB (data plus key) by index without sending it, and sends the rest', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(acceptAll);
    const key = 'c-big';
    // Exactly at the limit with its key: allowed. One byte more: refused.
    const atLimit = 'y'.repeat(KINESIS_LIMITS.maxRecordBytes - key.length);
    const fits = JSON.stringify({
      ContactId: key,
      p: atLimit.slice(0, atLimit.length - '{"ContactId":"c-big","p":""}'.length),
    });
    const tooBig = `${fits.slice(0, -2)}z"}`;
    expect(Buffer.byteLength(fits) + key.length).toBe(KINESIS_LIMITS.maxRecordBytes);

    const result = await sendRecords(client, STREAM, [{ ContactId: 'c-0' }, tooBig, fits]);

    expect(result.sent).toBe(2);
    expect(result.failed).toEqual([
      {
        index: 1,
        errorCode: EMULATOR_ERROR_CODES.recordTooLarge,
        errorMessage: expect.stringContaining('1048577 bytes'),
      },
    ]);
    expect(callKeys()).toEqual([['c-0', 'c-big']]);
  });
});

describe('sendRecords resends', () => {
  test('resends only the entries Kinesis rejected, in a later call, after a bounded backoff', async () => {
    // c-1 and c-3 are throttled on their first attempt, c-3 again on its second.
    const failuresLeft: Record<string, number> = { 'c-1': 1, 'c-3': 2 };
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) =>
      output(
        input.Records!.map((r) => {
          const left = failuresLeft[r.PartitionKey!] ?? 0;
          if (left > 0) {
            failuresLeft[r.PartitionKey!] = left - 1;
            return throttled();
          }
          return ok();
        }),
      ),
    );
    const { delays, sleep } = noWait();
    const records = Array.from({ length: 5 }, (_, i) => ({ ContactId: `c-${i}` }));

    const result = await sendRecords(client, STREAM, records, { sleep, baseDelayMs: 100, maxDelayMs: 1000 });

    expect(result).toEqual({ sent: 5, failed: [] });
    expect(callKeys()).toEqual([['c-0', 'c-1', 'c-2', 'c-3', 'c-4'], ['c-1', 'c-3'], ['c-3']]);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThan(100);
    expect(delays[1]).toBeLessThan(200);
  });

  test('gives up after maxAttempts and reports what still fails by original index, with code and message', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) =>
        output(
          input.Records!.map((r) =>
            r.PartitionKey === 'c-2'
              ? throttled()
              : r.PartitionKey === 'c-4'
                ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
                : ok(),
          ),
        ),
      );
    const { delays, sleep } = noWait();
    const records = Array.from({ length: 6 }, (_, i) => ({ ContactId: `c-${i}` }));

    const result = await sendRecords(client, STREAM, records, { sleep, maxAttempts: 4 });

    expect(result.sent).toBe(4);
    expect(result.failed).toEqual([
      { index: 2, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded for shard' },
      { index: 4, errorCode: 'InternalFailure', errorMessage: 'Internal service failure.' },
    ]);
    expect(callKeys()).toEqual([records.map((r) => r.ContactId), ['c-2', 'c-4'], ['c-2', 'c-4'], ['c-2', 'c-4']]);
    expect(delays).toHaveLength(3);
  });

  test('grows the backoff ceiling exponentially with full jitter and caps it at maxDelayMs', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) => output(input.Records!.map(throttled)));
    const { delays, sleep } = noWait();

    // random() = 0.999...: each delay sits just under its ceiling.
    const result = await sendRecords(client, STREAM, [{ ContactId: 'c-0' }], {
      sleep,
      random: () => 0.9999,
      maxAttempts: 7,
      baseDelayMs: 100,
      maxDelayMs: 1000,
    });

    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    expect(result.failed.map((f) => f.index)).toEqual([0]);
    expect(kinesisMock.commandCalls(PutRecordsCommand)).toHaveLength(7);
  });

  test('uses bounded default delays when none are configured', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) => output(input.Records!.map(throttled)));
    const { delays, sleep } = noWait();

    await sendRecords(client, STREAM, [{ ContactId: 'c-0' }], { sleep, random: () => 0.9999 });

    expect(delays.length).toBeGreaterThan(0);
    expect(delays.reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
  });

  test('treats a missing result entry as rejected and resends that record', async () => {
    let calls = 0;
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      calls += 1;
      const results = input.Records!.map(ok);
      return output(calls === 1 ? results.slice(0, 1) : results);
    });
    const { sleep } = noWait();

    const result = await sendRecords(client, STREAM, [{ ContactId: 'c-0' }, { ContactId: 'c-1' }], { sleep });

    expect(result).toEqual({ sent: 2, failed: [] });
    expect(callKeys()).toEqual([['c-0', 'c-1'], ['c-1']]);
  });
});

describe('sendRecords whole-call failure', () => {
  test('marks every entry of the failed chunk with the exception name, and still sends the other chunks', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      if (input.Records![0].PartitionKey === 'c-500') {
        const error = new Error('Service unavailable, try again');
        error.name = 'ServiceUnavailableException';
        throw error;
      }
      return acceptAll(input);
    });
    const { delays, sleep } = noWait();
    const records = Array.from({ length: 1100 }, (_, i) => ({ ContactId: `c-${i}` }));

    const result = await sendRecords(client, STREAM, records, { sleep });

    expect(result.sent).toBe(600);
    expect(result.failed).toHaveLength(500);
    expect(result.failed.map((f) => f.index)).toEqual(Array.from({ length: 500 }, (_, i) => 500 + i));
    expect(new Set(result.failed.map((f) => f.errorCode))).toEqual(new Set(['ServiceUnavailableException']));
    expect(result.failed[0].errorMessage).toBe('Service unavailable, try again');
    // The SDK already retried the call: no resend of that chunk here.
    expect(callKeys().map((k) => k.length)).toEqual([500, 500, 100]);
    expect(delays).toHaveLength(0);
  });
});
