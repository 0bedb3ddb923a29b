import { createHash } from 'node:crypto';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { QuarantineReason } from '../../lambda-dedup/src/classifyRecord';
import { mulberry32 } from '../firehose/faults';

/** The kinds of bad (or merely unusual) input the issue lists. */
export const BAD_INPUT_KINDS = [
  'not-json',
  'json-not-object',
  'missing-contact-id',
  'invalid-utf8',
  'empty',
  'oversized',
  'deeply-nested',
  'huge-attributes',
  'number-overflow',
  'unsafe-integer',
  'duplicate-key',
  'impossible-date',
  'byte-order-mark',
] as const;
export type BadInputKind = (typeof BAD_INPUT_KINDS)[number];

/** One generated record and what must become of it, stated by the generator (not computed by the handler). */
export interface BadInput {
  readonly kind: BadInputKind;
  readonly data: Buffer;
  /** The quarantine reason it must carry, or `deliver` for a valid if unusual CTR. */
  readonly expected: QuarantineReason | 'deliver';
  /** For a record to deliver: the exact line that must arrive (without a byte-order mark). */
  readonly line?: string;
}

const EXPECTED: Record<BadInputKind, QuarantineReason | 'deliver'> = {
  'not-json': 'NOT_JSON',
  'json-not-object': 'NOT_AN_OBJECT',
  'missing-contact-id': 'MISSING_CONTACT_ID',
  'invalid-utf8': 'INVALID_UTF8',
  empty: 'EMPTY',
  oversized: 'TOO_LARGE',
  'deeply-nested': 'TOO_DEEPLY_NESTED',
  // A valid CTR, only large: it must be delivered like any other.
  'huge-attributes': 'deliver',
  // Numbers JSON can write but a double cannot hold: their fingerprint would merge different records.
  'number-overflow': 'UNREPRESENTABLE_NUMBER',
  'unsafe-integer': 'UNREPRESENTABLE_NUMBER',
  'duplicate-key': 'DUPLICATE_KEY',
  'impossible-date': 'IMPOSSIBLE_INITIATION_DATE',
  // A valid CTR behind a UTF-8 byte-order mark: delivered without the mark.
  'byte-order-mark': 'deliver',
};

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Over Firehose's 1,000 KiB record limit, under Kinesis's 1 MiB: it reaches the function and must be quarantined. */
const OVERSIZED_BYTES = 1000 * 1024 + 2048;
/** Deeper than the fingerprint's canonical JSON can recurse (V8's JSON.parse itself copes). */
const NESTING_DEPTH = 20_000;
const HUGE_ATTRIBUTE_COUNT = 3_000;

/**
 * Generates `perKind` records of every kind from a CTR template (which carries phone numbers, so the log
 * checks have something to find). Every record is distinct; `huge-attributes` ones are valid CTRs.
 */
export function generateBadInputs(template: Record<string, unknown>, perKind: number, seed = 3): BadInput[] {
  const random = mulberry32(seed);
  const id = () =>
    Math.floor(random() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
  const ctr = (extra: Record<string, unknown>) => ({
    ...template,
    ContactId: `bad-${id()}-${id()}`,
    InitiationTimestamp: '2022-01-06T09:00:00Z',
    LastUpdateTimestamp: '2022-01-06T09:30:00Z',
    ...extra,
  });
  const make: Record<BadInputKind, (i: number) => Buffer> = {
    'not-json': (i) => Buffer.from(`${JSON.stringify(ctr({})).slice(0, 200 + i)} <truncated>`),
    'json-not-object': (i) => Buffer.from(JSON.stringify([[ctr({})], 42 + i, `text ${id()}`, null][i % 4])),
    'missing-contact-id': () => {
      const { ContactId: _omitted, ...rest } = ctr({ Attributes: { Seq: id() } });
      return Buffer.from(JSON.stringify(rest));
    },
    'invalid-utf8': () =>
      Buffer.concat([
        Buffer.from(JSON.stringify(ctr({})).slice(0, -1)),
        Buffer.from(',"Bad":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
      ]),
    // Kinesis accepts a zero-length data blob (its minimum length is 0).
    empty: () => Buffer.alloc(0),
    oversized: () => Buffer.from(JSON.stringify(ctr({ Attributes: { Blob: 'x'.repeat(OVERSIZED_BYTES) } }))),
    'deeply-nested': () => {
      const head = JSON.stringify(ctr({})).slice(0, -1);
      return Buffer.from(`${head},"Nested":${'['.repeat(NESTING_DEPTH)}"${id()}"${']'.repeat(NESTING_DEPTH)}}`);
    },
    'huge-attributes': () =>
      Buffer.from(
        JSON.stringify(
          ctr({
            Attributes: Object.fromEntries(Array.from({ length: HUGE_ATTRIBUTE_COUNT }, (_, k) => [`attr_${k}`, id()])),
          }),
        ),
      ),
    'number-overflow': (i) =>
      Buffer.from(JSON.stringify(ctr({ Duration: 1 })).replace('"Duration":1', `"Duration":1e${400 + i}`)),
    'unsafe-integer': (i) =>
      Buffer.from(
        JSON.stringify(ctr({ Account: 1 })).replace('"Account":1', `"Account":${9007199254740993n + BigInt(i)}`),
      ),
    'duplicate-key': () => Buffer.from(JSON.stringify(ctr({})).replace(/}$/, `,"ContactId":"bad-${id()}"}`)),
    'impossible-date': (i) =>
      Buffer.from(
        JSON.stringify(
          ctr({ InitiationTimestamp: ['2022-02-30T10:00:00Z', '0000-00-00T00:00:00Z', '2016-06-01T10:00:00Z'][i % 3] }),
        ),
      ),
    'byte-order-mark': () => Buffer.concat([BOM, Buffer.from(JSON.stringify(ctr({})))]),
  };
  const out: BadInput[] = [];
  for (const kind of BAD_INPUT_KINDS) {
    for (let i = 0; i < perKind; i += 1) {
      const data = make[kind](i);
      const line =
        EXPECTED[kind] === 'deliver'
          ? (data.subarray(0, 3).equals(BOM) ? data.subarray(3) : data).toString('utf8')
          : undefined;
      out.push({ kind, data, expected: EXPECTED[kind], line });
    }
  }
  return out;
}

/**
 * Puts records into the stream as raw bytes, bypassing the emulator (which sends text): invalid UTF-8 can
 * only arrive this way. Entries Kinesis fails are resent.
 */
export async function putRawRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly Buffer[],
): Promise<void> {
  const MAX_CALL_BYTES = 4 * 1024 * 1024;
  let chunk: Buffer[] = [];
  let bytes = 0;
  const flush = async () => {
    let pending = chunk;
    chunk = [];
    bytes = 0;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 10) throw new Error('Kinesis kept failing entries');
      const result = await kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: pending.map((data) => ({
            Data: data,
            PartitionKey: createHash('sha256').update(data).digest('hex'),
          })),
        }),
      );
      pending = pending.filter((_, i) => result.Records?.[i]?.ErrorCode);
    }
  };
  for (const record of records) {
    if (chunk.length === 500 || bytes + record.length > MAX_CALL_BYTES) await flush();
    chunk.push(record);
    bytes += record.length + 64;
  }
  if (chunk.length > 0) await flush();
}
