import { CliError, describeError, EXIT, UsageError } from '../../local/cli/errors';

// Every failure reaches the user as one sentence with what to do: no class names, errno codes or SDK text.
describe('describeError', () => {
  test("turns the SDK's missing Region and credentials errors into what to do", () => {
    // The texts the SDK v3 throws (@smithy/config-resolver and @aws-sdk/credential-provider-node).
    expect(describeError(new Error('Region is missing'))).toEqual({
      exitCode: EXIT.error,
      message: 'no AWS Region is set: pass --region or set AWS_REGION',
    });
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(describeError(credentials).message).toBe(
      'no AWS credentials were found: run "aws configure" or set AWS_PROFILE',
    );
    const expired = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    });
    expect(describeError(expired).message).toMatch(/invalid or expired: renew them/);
  });

  test('keeps usage errors (exit 2) and errors already in words (their own exit code)', () => {
    expect(describeError(new UsageError('--shards must be an integer from 1 to 50'))).toEqual({
      exitCode: EXIT.usage,
      message: '--shards must be an integer from 1 to 50. Run "ctr --help" for usage.',
    });
    expect(describeError(new CliError('the input holds no records', EXIT.emptyInput))).toEqual({
      exitCode: 4,
      message: 'the input holds no records',
    });
  });

  test('drops an errno or class-name prefix from anything else', () => {
    expect(describeError(new Error('ENOSPC: no space left on device, write')).message).toBe(
      'no space left on device, write',
    );
    expect(describeError(new Error('InputFileError: cannot read x')).message).toBe('cannot read x');
  });
});
