import { CliError, describeError } from './errors';

/** How far a run had got when it failed. */
export interface RunSoFar {
  readonly read: number;
  readonly sent: number;
  readonly forwarded: number;
}

/**
 * The error a run that fails midway ends with: the cause in one sentence and what had been done so far, so a
 * failure late in a long run does not leave the user with nothing but an error code.
 */
export function runFailedMidway(err: unknown, soFar: RunSoFar): unknown {
  // A usage mistake, a known CLI condition or an interrupt already says what happened.
  if ((err as Error | undefined)?.name === CliError.name || (err as Error | undefined)?.name === 'UsageError')
    return err;
  const { message } = describeError(err);
  return new CliError(
    `the run stopped: ${message.replace(/\.$/, '')}; by then ${soFar.read} records had been read, ${soFar.sent} sent ` +
      `to the stream and ${soFar.forwarded} forwarded to Firehose: run again (a fresh run starts from empty servers)`,
  );
}
