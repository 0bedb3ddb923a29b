import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyRecord } from '../../lambda-dedup/src/classifyRecord';
import { findJsonHazard } from '../../lambda-dedup/src/jsonHazards';
import { processBatch } from '../../lambda-dedup/src/processBatch';
import { createClaimsTable } from '../../local/tables';
import { verifyDelivery } from '../../local/verify';
import { fakeFirehose, fakeS3 } from './fakes';
import { ctr, kinesisEvent, startDynamoDb, testConfig } from './helpers';

const NOW = Date.UTC(2026, 10, 22);
const reasonOf = (text: string | Buffer) => {
  const result = classifyRecord(Buffer.from(text), 'canonical', NOW);
  return result.kind === 'quarantine' ? result.reason : 'ctr';
};
const withTimestamp = (ts: string) => ctr('c-date', '2022-01-05T17:48:35Z', { InitiationTimestamp: ts });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('inputs JSON can parse but a fingerprint cannot represent (findings 1, 6)', () => {
  test.each([
    ['a number too large for a double', ctr('c-1').replace('}', ',"Duration":1e400}')],
    ['a negative one', ctr('c-1').replace('}', ',"Duration":-2E+999}')],
    ['a number too small, read as 0', ctr('c-1').replace('}', ',"Duration":1e-400}')],
    ['an integer beyond 2^53', ctr('c-1').replace('}', ',"Attributes":{"n":9007199254740993}}')],
  ])('%s is quarantined as UNREPRESENTABLE_NUMBER, never thrown', (_, text) => {
    expect(reasonOf(text)).toBe('UNREPRESENTABLE_NUMBER');
  });

  test('two CTRs differing only in an integer beyond 2^53 are not merged into one fingerprint', () => {
    const a = classifyRecord(
      Buffer.from(ctr('c-1', undefined, { Big: 9007199254740992 }).replace('9007199254740992', '9007199254740993')),
      'canonical',
      NOW,
    );
    expect(a.kind).toBe('quarantine');
  });

  test('safe numbers, 2^53 - 1, decimals and exponents that fit are fine', () => {
    expect(reasonOf(ctr('c-1', undefined, { A: 9007199254740991, B: -0.5, C: 1.5e300, D: 0, E: 0.0 }))).toBe('ctr');
  });

  test.each([
    ['ContactId twice', '{"ContactId":"a","InitiationTimestamp":"2022-01-05T17:12:59Z","ContactId":"b"}'],
    [
      'a nested key twice',
      '{"ContactId":"a","InitiationTimestamp":"2022-01-05T17:12:59Z","Agent":{"x":1,"y":2,"x":3}}',
    ],
    [
      'the same key written with an escape',
      '{"ContactId":"a","InitiationTimestamp":"2022-01-05T17:12:59Z","\\u0043ontactId":"b"}',
    ],
  ])('%s is quarantined as DUPLICATE_KEY', (_, text) => {
    expect(reasonOf(text)).toBe('DUPLICATE_KEY');
  });

  test('equal keys in sibling objects, and key-like text inside strings, are not duplicates', () => {
    const text =
      '{"ContactId":"a","InitiationTimestamp":"2022-01-05T17:12:59Z","L":[{"x":1},{"x":2}],"s":"\\"x\\":1,\\"x\\":2","t":"{\\"ContactId\\":"}';
    expect(reasonOf(text)).toBe('ctr');
    expect(findJsonHazard('{"a":{"b":1},"b":{"a":2}}')).toBeUndefined();
  });

  test('strings that end in backslashes are read to their real end', () => {
    // JSON.stringify writes each backslash as two: the closing quote follows an even run of them.
    for (const tail of ['\\', '\\\\', '\\"', '\\\\"x']) {
      const ok = JSON.stringify({ p: `end${tail}`, q: 1 });
      expect([ok, findJsonHazard(ok)]).toEqual([ok, undefined]);
      const twice = `{"p":${JSON.stringify(`end${tail}`)},"p":2}`;
      expect([twice, findJsonHazard(twice)?.reason]).toEqual([twice, 'DUPLICATE_KEY']);
      const keyTwice = `{${JSON.stringify(`k${tail}`)}:1,${JSON.stringify(`k${tail}`)}:2}`;
      expect([keyTwice, findJsonHazard(keyTwice)?.reason]).toEqual([keyTwice, 'DUPLICATE_KEY']);
    }
  });
});

describe('impossible contact dates (finding 7)', () => {
  test.each([
    '2022-02-30T10:00:00Z',
    '0000-00-00T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2016-12-31T23:59:59Z',
    '2023-02-29T00:00:00Z',
    '2099-01-01T00:00:00Z',
  ])('%s is quarantined as IMPOSSIBLE_INITIATION_DATE', (ts) => {
    expect(reasonOf(withTimestamp(ts))).toBe('IMPOSSIBLE_INITIATION_DATE');
  });

  test.each(['2017-01-01T00:00:00Z', '2024-02-29T12:00:00Z', '2026-11-22T23:59:59Z'])(
    '%s is a real day and is accepted',
    (ts) => {
      expect(reasonOf(withTimestamp(ts))).toBe('ctr');
    },
  );
});

describe('a byte-order mark before the record (finding 3)', () => {
  test('is not delivered: the line equals the clean record, and so does its fingerprint', () => {
    const clean = Buffer.from(ctr('c-bom'));
    const marked = classifyRecord(Buffer.concat([BOM, clean]), 'canonical', NOW);
    const plain = classifyRecord(clean, 'canonical', NOW);
    if (marked.kind !== 'ctr' || plain.kind !== 'ctr') throw new Error('expected CTRs');
    expect(marked.line.equals(plain.line)).toBe(true);
    expect(marked.fingerprint).toBe(plain.fingerprint);
  });

  test('raw mode fingerprints the record without the mark too, so the identical line is not delivered twice', () => {
    const clean = Buffer.from(ctr('c-bom'));
    const marked = classifyRecord(Buffer.concat([BOM, clean]), 'raw', NOW);
    const plain = classifyRecord(clean, 'raw', NOW);
    if (marked.kind !== 'ctr' || plain.kind !== 'ctr') throw new Error('expected CTRs');
    expect(marked.fingerprint).toBe(plain.fingerprint);
  });
});

describe('hostile inputs in one batch (real dynalite claims)', () => {
  let db: Awaited<ReturnType<typeof startDynamoDb>>;
  beforeAll(async () => {
    db = await startDynamoDb('hostile');
  });
  afterAll(async () => db.stop());

  test('the batch never throws: each hostile record is quarantined with its reason, the rest delivered once; --verify agrees', async () => {
    const firehose = fakeFirehose();
    const s3 = fakeS3();
    const clean = ctr('c-clean');
    const inputs = [
      Buffer.from(ctr('c-inf').replace('}', ',"Duration":1e400}')),
      Buffer.from(ctr('c-big', undefined, { N: 1 }).replace('"N":1', '"N":12345678901234567890')),
      Buffer.from('{"ContactId":"a","InitiationTimestamp":"2022-01-05T17:12:59Z","ContactId":"b"}'),
      Buffer.from(withTimestamp('2022-02-30T10:00:00Z')),
      Buffer.concat([BOM, Buffer.from(clean)]),
      Buffer.from(clean),
      Buffer.from(ctr('c-other')),
    ];
    try {
      await createClaimsTable(db.client, 'hostile-batch');
      const report = await processBatch(kinesisEvent(inputs).Records, {
        dynamodb: db.client,
        firehose: firehose.client,
        s3: s3.client,
        config: testConfig({ tableName: 'hostile-batch' }),
        sleep: async () => undefined,
        clock: () => NOW,
      });
      expect(report.failed).toEqual([]);
      expect(report.quarantined.map((q) => q.reason).sort()).toEqual([
        'DUPLICATE_KEY',
        'IMPOSSIBLE_INITIATION_DATE',
        'UNREPRESENTABLE_NUMBER',
        'UNREPRESENTABLE_NUMBER',
      ]);
      // The marked copy and the clean record are one CTR: delivered once, without the mark.
      expect(firehose.state.delivered.sort()).toEqual([`${clean}\n`, `${ctr('c-other')}\n`].sort());
      expect(report.duplicatesInBatch).toBe(1);

      // --verify reads the same inputs without crashing and expects exactly this.
      const out = await mkdtemp(join(tmpdir(), 'hostile-verify-'));
      try {
        const verify = verifyDelivery(inputs, out);
        expect(verify).toMatchObject({ expectedDistinct: 2, expectedQuarantine: 4, lost: 2 });
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    } finally {
      firehose.mock.restore();
      s3.mock.restore();
    }
  });
});
