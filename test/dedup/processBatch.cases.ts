import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ServiceUnavailableException } from '@aws-sdk/client-firehose';
import type { DedupConfig } from '../../lambda-dedup/src/config';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR } from '../../lambda-dedup/src/constants';
import { fingerprint } from '../../lambda-dedup/src/fingerprint';
import { type BatchDependencies, processBatch } from '../../lambda-dedup/src/processBatch';
import { createClaimsTable } from '../../local/tables';
import { fakeFirehose, fakeS3 } from './fakes';
import {
  countWrites,
  ctr,
  type DynamoDbServer,
  duplicatedSamples,
  failWrites,
  kinesisEvent,
  readSample,
  retryFrom,
  SHARD,
  STREAM_ARN,
  seq,
  startDynamoDb,
  testConfig,
  throttled,
  type Write,
} from './helpers';

/**
 * The batch handler's cases, against a real conditional-write store over HTTP so the claim protocol is
 * exercised for real (DynamoDB Local: batched claims; dynalite: the per-record fallback); Firehose and S3
 * are fakes that inject faults.
 */
export function processBatchCases(server: DynamoDbServer): void {
  let db: Awaited<ReturnType<typeof startDynamoDb>>;
  let table = 0;
  let firehose: ReturnType<typeof fakeFirehose>;
  let s3: ReturnType<typeof fakeS3>;
  let config: DedupConfig;

  beforeAll(async () => {
    db = await startDynamoDb('unused', server);
  });
  afterAll(async () => db.stop());

  beforeEach(async () => {
    // A fresh table per test, on the same server.
    const fresh = `dedup-${++table}`;
    await createClaimsTable(db.client, fresh);
    config = testConfig({ tableName: fresh });
    firehose = fakeFirehose();
    s3 = fakeS3();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    firehose.mock.restore();
    s3.mock.restore();
  });

  const deps = (overrides: Partial<BatchDependencies> = {}): BatchDependencies => ({
    dynamodb: db.client,
    firehose: firehose.client,
    s3: s3.client,
    config,
    sleep: async () => undefined,
    clock: () => Date.UTC(2026, 10, 22),
    ...overrides,
  });
  const isClaim = (w: Write) => w.verb === 'INSERT' && !w.key.startsWith(BATCH_RECEIPT_PREFIX);
  const lines = (records: string[]) => records.map((r) => `${r}\n`);

  describe('copies and versions', () => {
    test('duplicated samples: 6 in, the 3 distinct versions forwarded, one claim each, copies collapsed without a DynamoDB call', async () => {
      const claims = countWrites(db.client, isClaim);
      const receipts = countWrites(db.client, (w) => w.verb === 'INSERT' && !isClaim(w));
      const samples = duplicatedSamples();
      const report = await processBatch(kinesisEvent(samples).Records, deps());
      expect(firehose.state.delivered.sort()).toEqual(lines([...new Set(samples)]).sort());
      expect(report.forwarded).toHaveLength(3);
      expect(report.duplicatesInBatch).toBe(3);
      expect(report.duplicatesStored).toBe(0);
      expect(report.batchItemFailures).toEqual([]);
      expect(claims()).toBe(3);
      expect(receipts()).toBe(1);
    });

    test('the same records in a later batch are dropped as stored duplicates', async () => {
      const samples = duplicatedSamples();
      await processBatch(kinesisEvent(samples).Records, deps());
      const report = await processBatch(kinesisEvent(samples, { first: 100 }).Records, deps());
      expect(report.forwarded).toEqual([]);
      expect(report.duplicatesStored).toBe(3);
      expect(firehose.state.delivered).toHaveLength(3);
    });

    test('a copy with reordered keys and spacing is a copy; the first one seen is the one forwarded', async () => {
      const original = readSample('case1.json');
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(original)).reverse()), null, 1);
      const report = await processBatch(kinesisEvent([original, reordered]).Records, deps());
      expect(report.duplicatesInBatch).toBe(1);
      expect(firehose.state.delivered).toEqual([`${original}\n`]);
      const later = await processBatch(kinesisEvent([reordered], { first: 10 }).Records, deps());
      expect(later.duplicatesStored).toBe(1);
    });

    test('in raw mode a reordered copy is a different record', async () => {
      config = { ...config, fingerprintMode: 'raw' };
      const original = readSample('case1.json');
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(original)).reverse()));
      const report = await processBatch(kinesisEvent([original, reordered, original]).Records, deps());
      expect(report.forwarded).toHaveLength(2);
      expect(report.duplicatesInBatch).toBe(1);
    });

    test('versions of a contact (same ContactId, later LastUpdateTimestamp) are all forwarded', async () => {
      const versions = [
        ctr('c-1', '2022-01-05T17:48:35Z'),
        ctr('c-1', '2022-01-05T18:00:00Z'),
        ctr('c-1', '2022-01-11T04:09:47Z'),
      ];
      const report = await processBatch(kinesisEvent(versions).Records, deps());
      expect(firehose.state.delivered).toEqual(lines(versions));
      expect(report.duplicatesInBatch + report.duplicatesStored).toBe(0);
    });

    test('an expired claim that TTL has not deleted yet does not count', async () => {
      const record = ctr('c-expired');
      const now = Math.floor(deps().clock!() / 1000);
      await db.client.send(
        new PutItemCommand({
          TableName: config.tableName,
          Item: {
            [CLAIM_ATTR.fingerprint]: { S: fingerprint('canonical', Buffer.from(record), JSON.parse(record)) },
            [CLAIM_ATTR.expiresAt]: { N: String(now - 1) },
            [CLAIM_ATTR.claimedBy]: { S: `${SHARD}:1` },
            [CLAIM_ATTR.claimedAt]: { N: String(now - config.windowSeconds - 1) },
          },
        }),
      );
      const report = await processBatch(kinesisEvent([record]).Records, deps());
      expect(report.forwarded).toHaveLength(1);
      expect(firehose.state.delivered).toEqual(lines([record]));
    });

    test('a claim still inside the window blocks a copy', async () => {
      const record = ctr('c-window');
      // A clock after the record's contact date: a contact from the future is quarantined.
      const t0 = Date.UTC(2026, 10, 22);
      await processBatch(kinesisEvent([record]).Records, deps({ clock: () => t0 }));
      const within = await processBatch(
        kinesisEvent([record], { first: 5 }).Records,
        deps({ clock: () => t0 + (config.windowSeconds - 1) * 1000 }),
      );
      expect(within.duplicatesStored).toBe(1);
      const after = await processBatch(
        kinesisEvent([record], { first: 9 }).Records,
        deps({ clock: () => t0 + config.windowSeconds * 1000 }),
      );
      expect(after.forwarded).toHaveLength(1);
    });
  });

  describe('failures: nothing lost, nothing delivered twice', () => {
    test('throttled claims are retried by the stream, not taken for duplicates', async () => {
      const records = [ctr('c-1'), ctr('c-2'), ctr('c-3')];
      const throttledKey = fingerprint('canonical', Buffer.from(records[1]), JSON.parse(records[1]));
      failWrites(db.client, (w) => (w.verb === 'INSERT' && w.key === throttledKey ? throttled() : undefined));
      const event = kinesisEvent(records);
      const first = await processBatch(event.Records, deps());
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
      expect(first.failed).toEqual([
        { sequenceNumber: seq(1), stage: 'claim', errorCode: expect.stringMatching(/^ProvisionedThroughputExceeded/) },
      ]);
      expect(first.duplicatesStored).toBe(0);
      expect(firehose.state.delivered).toEqual(lines([records[0], records[2]]));

      jest.restoreAllMocks();
      const retry = await processBatch(retryFrom(event, seq(1)).Records, deps());
      expect(retry.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered.sort()).toEqual(lines(records).sort());
    });

    test('a Firehose response with some entries failed: only those are resent, and each record lands once', async () => {
      const records = Array.from({ length: 20 }, (_, i) => ctr(`c-${i}`));
      const rejectedOnce = new Set(lines([records[3], records[7], records[19]]));
      firehose.state.reject = (line) => (rejectedOnce.delete(line) ? 'ServiceUnavailableException' : undefined);
      const report = await processBatch(kinesisEvent(records).Records, deps());
      expect(report.resends).toBe(3);
      expect(report.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered.sort()).toEqual(lines(records).sort());
    });

    test('a Firehose outage that outlasts the resends: records reported failed, claims released, delivered on retry', async () => {
      const records = [ctr('c-1'), ctr('c-2')];
      firehose.state.down = new ServiceUnavailableException({ message: 'down', $metadata: {} });
      const event = kinesisEvent(records);
      const first = await processBatch(event.Records, deps());
      expect(first.forwarded).toEqual([]);
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }, { itemIdentifier: seq(1) }]);
      expect(firehose.mock.calls()).toHaveLength(config.deliveryAttempts);
      for (const record of records) {
        const item = await db.client.send(
          new GetItemCommand({
            TableName: config.tableName,
            Key: { [CLAIM_ATTR.fingerprint]: { S: fingerprint('canonical', Buffer.from(record), JSON.parse(record)) } },
          }),
        );
        expect(item.Item).toBeUndefined();
      }
      firehose.state.down = undefined;
      const retry = await processBatch(event.Records, deps());
      expect(retry.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered).toEqual(lines(records));
    });

    test('a batch retried after a partial failure does not deliver again what was already delivered', async () => {
      const records = ['a', 'b', 'c', 'd', 'e'].map((id) => ctr(id));
      const failing = `${records[1]}\n`;
      firehose.state.reject = (line) => (line === failing ? 'InternalFailure' : undefined);
      const updates = countWrites(db.client, (w) => w.verb === 'UPDATE');
      const event = kinesisEvent(records);
      const first = await processBatch(event.Records, deps());
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
      // Receipts only for the delivered records the stream will present again (after seq 1): c, d, e.
      expect(updates()).toBe(3);

      firehose.state.reject = () => undefined;
      const retry = await processBatch(retryFrom(event, seq(1)).Records, deps());
      expect(retry.batchItemFailures).toEqual([]);
      expect(retry.forwarded).toEqual([seq(1)]);
      expect(retry.duplicatesStored).toBe(3);
      expect(firehose.state.delivered.sort()).toEqual(lines(records).sort());
    });

    test('a function killed between claim and delivery: the retry after its timeout delivers the records, a copy elsewhere does not', async () => {
      const records = [ctr('c-1'), ctr('c-2')];
      const event = kinesisEvent(records);
      const t0 = Date.UTC(2026, 10, 22);
      firehose.state.hangCalls = 1;
      void processBatch(event.Records, deps({ clock: () => t0, deadline: t0 + 60_000 })); // never settles: killed at its timeout
      await waitFor(() => firehose.mock.calls().length === 1);

      // Meanwhile the same CTR arrives again as another stream record: it is a copy.
      const copy = await processBatch(
        kinesisEvent([records[0]], { first: 50 }).Records,
        deps({ clock: () => t0 + 1000 }),
      );
      expect(copy.duplicatesStored).toBe(1);
      expect(firehose.state.delivered).toEqual([]);

      // Lambda retries the batch after the killed invocation's timeout (and the lease margin).
      const retry = await processBatch(event.Records, deps({ clock: () => t0 + 60_000 + config.leaseMarginMs + 1000 }));
      expect(retry.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered).toEqual(lines(records));
    });

    test("a retry that comes before the dead invocation's deadline waits for its lease, then delivers", async () => {
      const records = [ctr('c-1'), ctr('c-2')];
      const event = kinesisEvent(records);
      let now = Date.UTC(2026, 10, 22);
      firehose.state.hangCalls = 1;
      void processBatch(event.Records, deps({ clock: () => now, deadline: now + 3000 })); // crashed: out of memory, say
      await waitFor(() => firehose.mock.calls().length === 1);
      const sleeps: number[] = [];
      const retry = await processBatch(
        event.Records,
        deps({
          clock: () => now,
          deadline: now + 60_000,
          sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
          },
        }),
      );
      expect(retry.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered).toEqual(lines(records));
      expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3000);
    });

    test('a retry whose own time runs out before the lease ends hands the records back to the stream', async () => {
      const event = kinesisEvent([ctr('c-1')]);
      let now = Date.UTC(2026, 10, 22);
      firehose.state.hangCalls = 1;
      void processBatch(event.Records, deps({ clock: () => now, deadline: now + 60_000 }));
      await waitFor(() => firehose.mock.calls().length === 1);
      const retry = await processBatch(
        event.Records,
        deps({
          clock: () => now,
          deadline: now + 5000,
          sleep: async (ms) => {
            now += ms;
          },
        }),
      );
      expect(retry.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }]);
      expect(retry.failed).toEqual([{ sequenceNumber: seq(0), stage: 'claim', errorCode: 'ClaimInProgress' }]);
      expect(firehose.state.delivered).toEqual([]);
    });

    test('two consumers processing the same records at once deliver each record once', async () => {
      const records = ['a', 'b', 'c', 'd'].map((id) => ctr(id));
      const event = kinesisEvent(records);
      let releaseA!: () => void;
      const aMayDeliver = new Promise<void>((resolve) => (releaseA = resolve));
      const send = firehose.client.send.bind(firehose.client);
      let firstCall = true;
      jest.spyOn(firehose.client, 'send').mockImplementation((async (command: unknown) => {
        if (firstCall) {
          firstCall = false;
          await aMayDeliver; // consumer A is slow to deliver
        }
        return send(command as never);
      }) as never);
      const a = processBatch(event.Records, deps());
      await waitFor(() => firehose.client.send !== undefined && !firstCall);
      const b = processBatch(
        event.Records,
        deps({
          sleep: async () => {
            releaseA();
            await a;
          },
        }),
      );
      const [reportA, reportB] = await Promise.all([a, b]);
      expect(reportA.batchItemFailures).toEqual([]);
      expect(reportB.batchItemFailures).toEqual([]);
      expect(reportB.duplicatesStored).toBe(4); // B waited for A, then found A's receipt
      expect(firehose.state.delivered.sort()).toEqual(lines(records).sort());
    });

    test('the same batch presented again after it succeeded (redelivery or replay) delivers nothing', async () => {
      const event = kinesisEvent(duplicatedSamples());
      await processBatch(event.Records, deps());
      const writes = countWrites(db.client, (w) => w.verb === 'INSERT');
      const again = await processBatch(event.Records, deps());
      expect(again.forwarded).toEqual([]);
      expect(again.duplicatesStored).toBe(3);
      expect(again.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered).toHaveLength(3);
      expect(writes()).toBe(3); // the failed conditional claims; no receipt, nothing delivered
    });

    test('with batch receipts off, each distinct record costs exactly one write, and a batch redelivered after it succeeded is delivered again', async () => {
      config = { ...config, deliveryReceipts: 'off' };
      const event = kinesisEvent(duplicatedSamples());
      const t0 = Date.UTC(2026, 10, 22);
      const writes = countWrites(db.client, (w) => w.verb === 'INSERT');
      await processBatch(event.Records, deps({ clock: () => t0, deadline: t0 + 60_000 }));
      expect(writes()).toBe(3);
      const again = await processBatch(event.Records, deps({ clock: () => t0 + 120_000 }));
      expect(again.forwarded).toHaveLength(3);
    });

    test('replaying a stream whose first pass had a partial failure and a retry delivers nothing again', async () => {
      const records = ['a', 'b', 'c', 'd', 'e'].map((id) => ctr(id));
      const event = kinesisEvent(records);
      firehose.state.reject = (line) => (line === `${records[2]}\n` ? 'InternalFailure' : undefined);
      await processBatch(event.Records, deps());
      firehose.state.reject = () => undefined;
      await processBatch(retryFrom(event, seq(2)).Records, deps());
      expect(firehose.state.delivered.sort()).toEqual(lines(records).sort());

      const replay = await processBatch(event.Records, deps());
      expect(replay.forwarded).toEqual([]);
      expect(firehose.state.delivered).toHaveLength(5);
    });

    test('failures are reported lowest sequence number first, each once', async () => {
      const records = ['a', 'b', 'c'].map((id) => ctr(id));
      firehose.state.down = new Error('boom');
      const report = await processBatch(kinesisEvent(records, { first: 7 }).Records, deps());
      expect(report.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([seq(7), seq(8), seq(9)]);
    });
  });

  describe('quarantine', () => {
    const bad: [string, string | Buffer][] = [
      ['EMPTY', ''],
      ['INVALID_UTF8', Buffer.from([0xc3, 0x28])],
      ['NOT_JSON', 'Caller +190011112222 hung up'],
      ['NOT_AN_OBJECT', '[{"ContactId":"c-1"}]'],
      ['MISSING_CONTACT_ID', '{"InitiationTimestamp":"2022-01-05T17:12:59Z"}'],
      ['MISSING_INITIATION_TIMESTAMP', '{"ContactId":"c-2"}'],
    ];

    test('each kind of malformed record is stored with its reason and origin, never forwarded, and blocks nothing', async () => {
      const good = ctr('c-good');
      const event = kinesisEvent([...bad.map(([, data]) => data), good]);
      const report = await processBatch(event.Records, deps());
      expect(report.batchItemFailures).toEqual([]);
      expect(firehose.state.delivered).toEqual(lines([good]));
      expect(report.quarantined.map((q) => q.reason)).toEqual(expect.arrayContaining(bad.map(([reason]) => reason)));
      bad.forEach(([reason, data], i) => {
        const key = `quarantine/dt=2022-01-05/${SHARD}/${seq(i)}.json`;
        const stored = JSON.parse(s3.objects.get(key)!);
        expect(stored).toMatchObject({ reason, eventSourceARN: STREAM_ARN, shardId: SHARD, sequenceNumber: seq(i) });
        expect(Buffer.from(stored.dataBase64, 'base64').equals(Buffer.from(data))).toBe(true);
      });
    });

    test('an oversized record is quarantined whole', async () => {
      const huge = ctr('c-huge', undefined, { Attributes: { blob: 'x'.repeat(1000 * 1024) } });
      const report = await processBatch(kinesisEvent([huge]).Records, deps());
      expect(report.quarantined).toEqual([{ sequenceNumber: seq(0), reason: 'TOO_LARGE', key: expect.any(String) }]);
      expect(firehose.mock.calls()).toHaveLength(0);
      expect(JSON.parse(s3.objects.get(report.quarantined[0].key)!).dataBytes).toBe(Buffer.byteLength(huge));
    });

    test('if the quarantine bucket cannot be written, the record is retried rather than lost', async () => {
      s3.state.fail = new Error('AccessDenied');
      const report = await processBatch(kinesisEvent(['garbage', ctr('c-1')]).Records, deps());
      expect(report.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }]);
      expect(report.failed[0]).toMatchObject({ stage: 'quarantine' });
    });
  });

  async function waitFor(predicate: () => boolean): Promise<void> {
    // A limit for a condition never reached (at least 5 min), not a speed check.
    for (let i = 0; i < 30_000 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!predicate()) throw new Error('condition not reached');
  }
}
