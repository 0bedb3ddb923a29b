import { createHash } from 'node:crypto';
import { partitionKeyFor, prepareRecord } from '../../lambda-emulator/src/prepareRecord';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe('prepareRecord', () => {
  test('sends a string entry byte for byte', () => {
    const raw = '{ "ContactId" : "c-1",\n  "Name": "Zoë ✓" }  ';
    const prepared = prepareRecord(raw, 3);
    expect(Buffer.from(prepared.data).equals(Buffer.from(raw, 'utf8'))).toBe(true);
    expect(prepared.index).toBe(3);
  });

  test('sends an object entry as compact JSON', () => {
    const ctr = { ContactId: 'c-1', Agent: null, Attributes: { a: '1' }, Queue: { Duration: 5 } };
    const prepared = prepareRecord(ctr, 0);
    expect(Buffer.from(prepared.data).toString('utf8')).toBe(
      '{"ContactId":"c-1","Agent":null,"Attributes":{"a":"1"},"Queue":{"Duration":5}}',
    );
  });

  test('counts data plus UTF-8 partition key bytes', () => {
    const prepared = prepareRecord({ ContactId: 'é' }, 0);
    expect(prepared.size).toBe(Buffer.byteLength('{"ContactId":"é"}') + 2);
  });
});

describe('partitionKeyFor', () => {
  const key = (record: string | Record<string, unknown>) => prepareRecord(record, 0).partitionKey;

  test('uses the ContactId of an object or of a JSON string', () => {
    expect(key({ ContactId: 'abc-123' })).toBe('abc-123');
    expect(key('{"ContactId":"abc-123","x":1}')).toBe('abc-123');
  });

  test('falls back to the SHA-256 hex of the data when there is no usable ContactId', () => {
    const cases: Array<string | Record<string, unknown>> = [
      'not json at all',
      '[1,2]',
      '{"ContactId": 12}',
      { Channel: 'VOICE' },
      { ContactId: '' },
      { ContactId: null },
    ];
    for (const record of cases) {
      const data = typeof record === 'string' ? record : JSON.stringify(record);
      expect(key(record)).toBe(sha256(data));
    }
  });

  test('falls back to the hash when ContactId is longer than 256 characters, and accepts exactly 256', () => {
    expect(key({ ContactId: 'a'.repeat(256) })).toBe('a'.repeat(256));
    const long = { ContactId: 'a'.repeat(257) };
    expect(key(long)).toBe(sha256(JSON.stringify(long)));
  });

  test('gives the same key for the same data across calls, and different keys for different data', () => {
    expect(partitionKeyFor('x', Buffer.from('x'))).toBe(partitionKeyFor('x', Buffer.from('x')));
    expect(key('{"a":1}')).toBe(key('{"a":1}'));
    expect(key('{"a":1}')).not.toBe(key('{"a":2}'));
    expect(key('{"a":1}')).toMatch(/^[0-9a-f]{64}$/);
  });
});
