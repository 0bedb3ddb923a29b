import { CliError, describeError, UsageError } from '../../local/cli/errors';
import { runFailedMidway } from '../../local/cli/partial-run';

// Issue 11, finding 10: a run that a server error ends midway says what it had done, in one sentence.
describe('a run that fails midway', () => {
  const soFar = { read: 3135, sent: 3000, forwarded: 2410 };

  test('reports the cause and the counts so far, without the class name', () => {
    const s3Error = Object.assign(new Error('We encountered an internal error. Please try again.'), {
      name: 'InternalError',
    });
    const { exitCode, message } = describeError(runFailedMidway(s3Error, soFar));
    expect(exitCode).toBe(1);
    expect(message).toContain('We encountered an internal error');
    expect(message).toContain('3135 records had been read, 3000 sent to the stream and 2410 forwarded');
    expect(message).not.toMatch(/InternalError|\n\s+at /);
  });

  test('passes errors that already say what to do through unchanged', () => {
    const usage = new UsageError('--shards must be an integer from 1 to 50');
    const cli = new CliError('the input holds no records', 4);
    expect(runFailedMidway(usage, soFar)).toBe(usage);
    expect(runFailedMidway(cli, soFar)).toBe(cli);
  });
});
