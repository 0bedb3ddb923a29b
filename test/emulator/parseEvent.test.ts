import { InvalidEventError } from '../../lambda-emulator/src/errors';
import { parseEvent } from '../../lambda-emulator/src/parseEvent';

describe('parseEvent', () => {
  const ctr = { ContactId: 'c-1', Channel: 'VOICE' };

  test('accepts one CTR object', () => {
    expect(parseEvent(ctr)).toEqual([ctr]);
  });

  test('accepts an array of objects and strings, in order', () => {
    expect(parseEvent([ctr, 'raw', { ContactId: 'c-2' }])).toEqual([ctr, 'raw', { ContactId: 'c-2' }]);
  });

  test('accepts {"records": [...]}', () => {
    expect(parseEvent({ records: ['x', ctr] })).toEqual(['x', ctr]);
  });

  test('accepts an empty list as nothing to send', () => {
    expect(parseEvent([])).toEqual([]);
    expect(parseEvent({ records: [] })).toEqual([]);
  });

  test.each([
    ['null', null, /got null; expected one CTR object, an array .*\{"records": \[\.\.\.\]\}/],
    ['undefined', undefined, /got nothing; expected/],
    ['a string', '{"ContactId":"c-1"}', /got a string; expected/],
    ['a number', 42, /got a number; expected/],
    ['a boolean', true, /got a boolean; expected/],
    ['an empty object', {}, /got an empty object; expected/],
    ['records that is not an array', { records: { ContactId: 'c-1' } }, /"records" is an object; expected/],
    ['records that is null', { records: null }, /"records" is null; expected/],
    [
      'an array entry that is a number',
      [ctr, 7],
      /event\[1\] is a number: each entry must be a CTR object .* or a string/,
    ],
    ['an array entry that is null', [null], /event\[0\] is null/],
    ['an array entry that is an array', [[ctr]], /event\[0\] is an array/],
    ['a records entry that is a boolean', { records: ['ok', false] }, /records\[1\] is a boolean/],
  ])('rejects %s with InvalidEventError', (_label, event, message) => {
    let thrown: unknown;
    try {
      parseEvent(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect((thrown as Error).name).toBe('InvalidEventError');
    expect((thrown as Error).message).toMatch(message);
  });

  test('does not echo the event content in the error message', () => {
    expect(() => parseEvent('+18005550100')).toThrow(/^(?!.*18005550100)/s);
  });
});
