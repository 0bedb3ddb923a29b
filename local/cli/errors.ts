import { NamedError } from '../../lambda-common/named-error';

/** A usage error: bad or missing options (exit code 2). */
export class UsageError extends NamedError {}

/** A problem the user can fix, already said in words with the next step (exit code 1). */
export class CliError extends NamedError {
  constructor(
    message: string,
    /** The exit code. @default 1 */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes of every command (the README's table). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** `--verify` found a record lost, foreign or not quarantined, or a wrong latest version. */
  verifyFailed: 3,
  /** The input held no records: nothing was run. */
  emptyInput: 4,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

// By name, not instanceof: commands are loaded lazily, and a test's module registry may hold a second copy.
const isUsage = (err: unknown) =>
  (err as Error | undefined)?.name === UsageError.name ||
  String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
const isCliError = (err: unknown): err is CliError => (err as Error | undefined)?.name === CliError.name;

// The SDK's own words for the mistakes a user makes most, replaced by what to do.
const SDK_HINTS: ReadonlyArray<[RegExp, string]> = [
  [/Region is missing/i, 'no AWS Region is set: pass --region or set AWS_REGION'],
  [/Could not load credentials|credential/i, 'no AWS credentials were found: run "aws configure" or set AWS_PROFILE'],
  [
    /security token included in the request is (invalid|expired)|ExpiredToken/i,
    'the AWS credentials are invalid or expired: renew them (e.g. "aws sso login")',
  ],
  [
    /not authorized|AccessDenied/i,
    'the AWS credentials are not allowed to do this: check the IAM policy of the user or role',
  ],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/i, 'AWS cannot be reached: check the network connection and the Region'],
];

/** The exit code and the one sentence to print for an error; never a class name, errno or stack. */
export function describeError(err: unknown): { exitCode: number; message: string } {
  if (isUsage(err)) return { exitCode: EXIT.usage, message: `${(err as Error).message}. Run "ctr --help" for usage.` };
  if (isCliError(err)) return { exitCode: err.exitCode, message: err.message };
  const error = err instanceof Error ? err : new Error(String(err));
  for (const [pattern, hint] of SDK_HINTS) {
    if (pattern.test(`${error.name} ${error.message}`)) return { exitCode: EXIT.error, message: hint };
  }
  // Errors the project raises on purpose carry a sentence already; others lose their errno prefix.
  const message = error.message.replace(/^(E[A-Z]+|[A-Za-z]+Error):\s*/, '');
  return {
    exitCode: EXIT.error,
    message: message || 'an unexpected error stopped the run: run again, and report it if it repeats',
  };
}
