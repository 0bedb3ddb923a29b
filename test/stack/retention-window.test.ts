import { Duration } from 'aws-cdk-lib';
import { InvalidSettingError } from '../../lib/errors';
import { synthStack } from './synth';

// Finding 9: a replay older than the dedup window delivers again, so the stream may not keep records longer.
describe('stream retention and the dedup window', () => {
  const refusal = (props: Parameters<typeof synthStack>[0]) => {
    try {
      synthStack(props);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  test.each([
    ['8 days against the default 7-day window', { streamRetention: Duration.days(8) }],
    ['3 days against a 2-day window', { streamRetention: Duration.days(3), dedupWindow: Duration.days(2) }],
    ['the default 24 hours against a 12-hour window', { dedupWindow: Duration.hours(12) }],
  ])('refuses a retention longer than the window: %s', (_, props) => {
    const error = refusal(props);
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect((error as InvalidSettingError).setting).toBe('streamRetention');
    expect((error as Error).message).toMatch(/dedup window/);
  });

  test('accepts a retention equal to the window', () => {
    expect(refusal({ streamRetention: Duration.days(2), dedupWindow: Duration.days(2) })).toBeUndefined();
  });
});
