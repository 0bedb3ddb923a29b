import { checkRecord, classifyRecord } from '../../lambda-dedup/src/classifyRecord';
import { FIREHOSE_LIMITS } from '../../lambda-dedup/src/constants';
import { MAX_JSON_DEPTH } from '../../lambda-dedup/src/jsonHazards';
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

  test(`nesting is bounded by rule: ${MAX_JSON_DEPTH} levels are fingerprinted, one more is quarantined`, () => {
    // The record itself is level 1, so "x" holds MAX_JSON_DEPTH - 1 more levels.
    const nested = (levels: number) =>
      Buffer.from(
        `{"ContactId":"c-deep","InitiationTimestamp":"2022-01-05T17:12:59Z","x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`,
      );
    const deepest = classifyRecord(nested(MAX_JSON_DEPTH), 'canonical');
    expect(deepest.kind).toBe('ctr');
    const over = classifyRecord(nested(MAX_JSON_DEPTH + 1), 'canonical');
    expect(over).toMatchObject({ kind: 'quarantine', reason: 'TOO_DEEPLY_NESTED' });
    expect(over.kind === 'quarantine' && over.detail).toContain(`more than ${MAX_JSON_DEPTH} levels`);
  });

  test('checkRecord takes every decision classifyRecord takes, without the fingerprint', () => {
    const inputs = [
      readSample('case1.json'),
      readSample('case3.json'),
      '',
      '{"ContactId":"c1"}',
      '[1]',
      '{"ContactId":"c1","InitiationTimestamp":"2022-01-05T17:12:59Z","a":1,"a":2}',
      '{"ContactId":"c1","InitiationTimestamp":"2022-01-05T17:12:59Z","n":1e400}',
      `{"ContactId":"c1","InitiationTimestamp":"2022-01-05T17:12:59Z","x":${'['.repeat(150)}${']'.repeat(150)}}`,
      `\uFEFF${ctr('c-bom', '2022-01-05T17:48:35Z')}`,
      ctr('c-crlf', '2022-01-05T17:48:35Z').replace(',', ',\r\n'),
    ].map((text) => Buffer.from(text));
    for (const data of inputs) {
      const full = classifyRecord(data, 'canonical');
      const checked = checkRecord(data);
      if (full.kind === 'quarantine') expect(checked).toEqual(full);
      else {
        expect(checked.kind).toBe('ctr');
        if (checked.kind === 'ctr') {
          expect(checked.line).toEqual(full.line);
          expect(checked.ctr).toEqual(full.ctr);
        }
      }
    }
  });

  test('a record with attribute keys that differ only in case is a valid CTR', () => {
    expect(reasonOf(Buffer.from(readSample('case3.json')))).toBe('ctr');
  });
});
