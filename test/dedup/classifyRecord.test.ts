import { classifyRecord } from '../../lambda-dedup/src/classifyRecord';
import { FIREHOSE_LIMITS } from '../../lambda-dedup/src/constants';
import { ctr, readSample } from './helpers';

const reasonOf = (data: Buffer) => {
  const result = classifyRecord(data, 'canonical');
  return result.kind === 'quarantine' ? result.reason : 'ctr';
};

describe('classifyRecord', () => {
  test('a CTR is forwarded byte for byte with one newline appended', () => {
    const sample = readSample('case1.json');
    const result = classifyRecord(Buffer.from(sample), 'canonical');
    expect(result.kind).toBe('ctr');
    if (result.kind === 'ctr') expect(result.line.toString()).toBe(`${sample}\n`);
  });

  test('a pretty-printed CTR becomes one line that parses to the same record', () => {
    const pretty = JSON.stringify(JSON.parse(readSample('case2.json')), null, 2).replace(/\n/g, '\r\n');
    const result = classifyRecord(Buffer.from(pretty), 'canonical');
    if (result.kind !== 'ctr') throw new Error('expected a CTR');
    const text = result.line.toString();
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(text).not.toContain('\r');
    expect(JSON.parse(text)).toEqual(JSON.parse(pretty));
  });

  test.each([
    ['EMPTY', Buffer.alloc(0)],
    ['INVALID_UTF8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['NOT_JSON', Buffer.from('not json at all')],
    ['NOT_JSON', Buffer.from('{"ContactId": "a",')],
    ['NOT_AN_OBJECT', Buffer.from('[1,2,3]')],
    ['NOT_AN_OBJECT', Buffer.from('"a string"')],
    ['NOT_AN_OBJECT', Buffer.from('42')],
    ['NOT_AN_OBJECT', Buffer.from('null')],
    ['MISSING_CONTACT_ID', Buffer.from('{"Channel":"VOICE","InitiationTimestamp":"2022-01-05T17:12:59Z"}')],
    ['MISSING_CONTACT_ID', Buffer.from('{"ContactId":42,"InitiationTimestamp":"2022-01-05T17:12:59Z"}')],
    ['MISSING_CONTACT_ID', Buffer.from('{"ContactId":"","InitiationTimestamp":"2022-01-05T17:12:59Z"}')],
    ['MISSING_INITIATION_TIMESTAMP', Buffer.from('{"ContactId":"c-1"}')],
    ['MISSING_INITIATION_TIMESTAMP', Buffer.from('{"ContactId":"c-1","InitiationTimestamp":"yesterday"}')],
  ])('quarantines %s: %p', (reason, data) => {
    expect(reasonOf(data)).toBe(reason);
  });

  test('quarantines a record that would exceed 1,000 KiB with its newline, and accepts one that fits exactly', () => {
    const base = ctr('c-big', '2022-01-05T17:48:35Z', { Attributes: { pad: '' } });
    const fill = (size: number) =>
      Buffer.from(base.replace('"pad":""', `"pad":"${'x'.repeat(size - Buffer.byteLength(base))}"`));
    expect(fill(FIREHOSE_LIMITS.maxRecordBytes - 1).length).toBe(FIREHOSE_LIMITS.maxRecordBytes - 1);
    expect(reasonOf(fill(FIREHOSE_LIMITS.maxRecordBytes - 1))).toBe('ctr');
    expect(reasonOf(fill(FIREHOSE_LIMITS.maxRecordBytes))).toBe('TOO_LARGE');
  });

  test('quarantines JSON nested too deeply to fingerprint instead of crashing', () => {
    const depth = 200_000;
    const deep = `{"ContactId":"c-deep","InitiationTimestamp":"2022-01-05T17:12:59Z","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(reasonOf(Buffer.from(deep))).toBe('TOO_DEEPLY_NESTED');
  });

  test('a record with attribute keys that differ only in case is a valid CTR', () => {
    expect(reasonOf(Buffer.from(readSample('case3.json')))).toBe('ctr');
  });
});
