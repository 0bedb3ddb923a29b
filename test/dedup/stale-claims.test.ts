import { setTimeout as pause } from 'node:timers/promises';
import { PutRecordBatchCommand, ServiceUnavailableException } from '@aws-sdk/client-firehose';
import { type BatchDependencies, processBatch } from '../../lambda-dedup/src/processBatch';
import { createClaimsTable } from '../../local/tables';
import { fakeFirehose, fakeS3 } from './fakes';
import { ctr, failWrites, kinesisEvent, startDynamoDb, testConfig } from './helpers';

// Claims left behind by invocations that died or could not clean up, against a real conditional-write store.
const NOW = Date.UTC(2026, 10, 22);
const MARGIN = 10_000;
let db: Awaited<ReturnType<typeof startDynamoDb>>;
let table = 0;
let firehose: ReturnType<typeof fakeFirehose>;
let s3: ReturnType<typeof fakeS3>;
let tableName: string;

beforeAll(async () => {
  db = await startDynamoDb('unused');
});
afterAll(async () => db.stop());
beforeEach(async () => {
  tableName = `stale-${++table}`;
  await createClaimsTable(db.client, tableName);
  firehose = fakeFirehose();
  s3 = fakeS3();
});
afterEach(() => {
  jest.restoreAllMocks();
  firehose.mock.restore();
  s3.mock.restore();
});

/** An invocation whose clock advances only when it sleeps: waits cost no real time and are exact. */
function invocationAt(startMs: number, timeoutMs: number): BatchDependencies {
  let now = startMs;
  return {
    dynamodb: db.client,
    firehose: firehose.client,
    s3: s3.client,
    config: testConfig({ tableName, leaseMarginMs: MARGIN }),
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    deadline: startMs + timeoutMs,
  };
}

/** Starts an invocation whose Firehose call never answers (it dies there) and returns once it has claimed. */
async function dieAfterClaiming(records: string[], first: number, startMs: number, timeoutMs: number): Promise<void> {
  firehose.state.hangCalls = 1;
  void processBatch(kinesisEvent(records, { first }).Records, invocationAt(startMs, timeoutMs));
  while (firehose.mock.commandCalls(PutRecordBatchCommand).length === 0) await pause(5);
}

const record = ctr('c-stale');

test('finding 2: a re-drive of a CTR whose claim a dead invocation left (no deliveredAt, no receipt, lease over) is delivered', async () => {
  await dieAfterClaiming([record], 0, NOW, 60_000);
  // The dead invocation's record went to the failure destination; an operator re-drives it under a new sequence number.
  const redrive = await processBatch(
    kinesisEvent([record], { first: 1000 }).Records,
    invocationAt(NOW + 60_000 + MARGIN, 60_000),
  );
  expect(redrive.failed).toEqual([]);
  expect(redrive.duplicatesStored).toBe(0);
  expect(firehose.state.delivered).toEqual([`${record}\n`]);

  // The new claimant is recorded: a later copy is a duplicate of the re-drive, whose receipt covers it.
  const copy = await processBatch(
    kinesisEvent([record], { first: 2000 }).Records,
    invocationAt(NOW + 10 * 60_000, 60_000),
  );
  expect(copy.duplicatesStored).toBe(1);
  expect(firehose.state.delivered).toHaveLength(1);
});

test('finding 2: while the lease and its margin run, a copy is still a duplicate (the holder may be delivering it)', async () => {
  await dieAfterClaiming([record], 0, NOW, 60_000);
  const copy = await processBatch(
    kinesisEvent([record], { first: 1000 }).Records,
    invocationAt(NOW + 60_000 + MARGIN - 1, 60_000),
  );
  expect(copy.duplicatesStored).toBe(1);
  expect(firehose.state.delivered).toEqual([]);
});

test('finding 4: when Firehose fails and the release fails too, the lease is ended, so the first retry delivers', async () => {
  firehose.state.down = new ServiceUnavailableException({ message: 'down', $metadata: {} });
  const internalError = {
    error: Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }),
    code: 'InternalServerError',
  };
  failWrites(db.client, (w) => (w.verb === 'DELETE' ? internalError : undefined));
  const first = await processBatch(kinesisEvent([record]).Records, invocationAt(NOW, 15 * 60_000));
  expect(first.failed).toEqual([expect.objectContaining({ stage: 'delivery' })]);
  jest.restoreAllMocks();
  firehose.state.down = undefined;

  // The stream's retry, seconds later; the failed invocation's deadline is still 15 minutes away.
  const retry = await processBatch(kinesisEvent([record]).Records, invocationAt(NOW + 5_000, 15 * 60_000));
  expect(retry.failed).toEqual([]);
  expect(firehose.state.delivered).toEqual([`${record}\n`]);
});

test.each([1, 5, 15])(
  "finding 4: a retry waits out the holder's remaining lease (%i-minute timeout) instead of running out of retries",
  async (minutes) => {
    const timeout = minutes * 60_000;
    await dieAfterClaiming([record], 0, NOW, timeout);
    // The retry of the same record starts soon after the holder; the holder's lease ends within the retry's own time.
    const start = NOW + timeout / 5 + MARGIN;
    const retry = await processBatch(kinesisEvent([record]).Records, invocationAt(start, timeout));
    expect(retry.failed).toEqual([]);
    expect(firehose.state.delivered).toEqual([`${record}\n`]);
  },
);
