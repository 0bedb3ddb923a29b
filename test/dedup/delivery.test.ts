import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { chunkForFirehose, type DeliveryItem, deliver } from '../../lambda-dedup/src/delivery';

const firehoseMock = mockClient(FirehoseClient);
const client = new FirehoseClient({ region: 'us-east-1' });
const items = (n: number, size = 10): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i}`, data: Buffer.alloc(size, 0x61) }));
const sentIn = (call: number) =>
  (firehoseMock.commandCalls(PutRecordBatchCommand)[call].args[0].input.Records ?? []).length;
const noWait = jest.fn(async () => undefined);

beforeEach(() => {
  firehoseMock.reset();
  noWait.mockClear();
});

/** Accepts everything except entries whose data is in `reject` (compared as text). */
function acceptAllBut(reject: Set<string> = new Set()) {
  return (input: { Records?: { Data?: Uint8Array }[] }) => {
    const entries = (input.Records ?? []).map((r, i) =>
      reject.has(Buffer.from(r.Data!).toString())
        ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' }
        : { RecordId: `id-${i}` },
    );
    return {
      FailedPutCount: entries.filter((e) => 'ErrorCode' in e).length,
      Encrypted: false,
      RequestResponses: entries,
    };
  };
}

describe('chunkForFirehose', () => {
  test('splits at 500 records', () => {
    expect(chunkForFirehose(items(1001)).map((c) => c.length)).toEqual([500, 500, 1]);
  });

  test('splits before a call would exceed 4 MiB', () => {
    const chunks = chunkForFirehose(items(5, 1000 * 1024));
    expect(chunks.map((c) => c.length)).toEqual([4, 1]);
    for (const chunk of chunks)
      expect(chunk.reduce((n, i) => n + i.data.length, 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});

describe('deliver', () => {
  test('delivers every record, in calls within the limits', async () => {
    firehoseMock.on(PutRecordBatchCommand).callsFake(acceptAllBut());
    const result = await deliver(client, 'stream', items(1200), { maxAttempts: 4, sleep: noWait });
    expect(result.delivered).toHaveLength(1200);
    expect(result.failed).toEqual([]);
    expect([0, 1, 2].map(sentIn)).toEqual([500, 500, 200]);
    expect(noWait).not.toHaveBeenCalled();
  });

  test('resends only the entries Firehose reported failed, with bounded backoff', async () => {
    const data = items(5).map((item, i) => ({ ...item, data: Buffer.from(`record-${i}\n`) }));
    let call = 0;
    firehoseMock
      .on(PutRecordBatchCommand)
      .callsFake((input) =>
        call++ === 0 ? acceptAllBut(new Set(['record-1\n', 'record-3\n']))(input) : acceptAllBut()(input),
      );
    const result = await deliver(client, 'stream', data, { maxAttempts: 4, sleep: noWait });
    expect(result.delivered.sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(result.resends).toBe(2);
    const second = firehoseMock
      .commandCalls(PutRecordBatchCommand)[1]
      .args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString());
    expect(second).toEqual(['record-1\n', 'record-3\n']);
    expect(noWait).toHaveBeenCalledTimes(1);
    expect((noWait.mock.calls[0] as unknown as [number])[0]).toBeLessThanOrEqual(2000);
  });

  test('an outage that outlasts the resends reports every record failed with the error code', async () => {
    firehoseMock.on(PutRecordBatchCommand).rejects(new ServiceUnavailableException({ message: 'down', $metadata: {} }));
    const result = await deliver(client, 'stream', items(3), { maxAttempts: 4, sleep: noWait });
    expect(result.delivered).toEqual([]);
    expect(result.failed).toEqual(['r0', 'r1', 'r2'].map((id) => ({ id, errorCode: 'ServiceUnavailableException' })));
    expect(firehoseMock.commandCalls(PutRecordBatchCommand)).toHaveLength(4);
    expect(noWait).toHaveBeenCalledTimes(3);
    for (const [ms] of noWait.mock.calls as unknown as [number][]) expect(ms).toBeLessThanOrEqual(2000);
  });

  test('entries that keep failing are reported with their last error code', async () => {
    firehoseMock.on(PutRecordBatchCommand).callsFake(acceptAllBut(new Set(['aaaaaaaaaa'])));
    const result = await deliver(
      client,
      'stream',
      [
        { id: 'bad', data: Buffer.from('aaaaaaaaaa') },
        { id: 'good', data: Buffer.from('b') },
      ],
      { maxAttempts: 2, sleep: noWait },
    );
    expect(result.delivered).toEqual(['good']);
    expect(result.failed).toEqual([{ id: 'bad', errorCode: 'ServiceUnavailableException' }]);
  });
});
