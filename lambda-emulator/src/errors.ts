import { NamedError } from '../../lambda-common/named-error';
import type { SendResult } from './sendRecords';

/** Base class of every error the emulator throws on purpose. */
export class EmulatorError extends NamedError {}

/** The function's environment is missing or has an invalid setting; thrown at cold start. */
export class ConfigurationError extends EmulatorError {
  public constructor(public readonly problems: readonly string[]) {
    super(`Invalid emulator function configuration: ${problems.join('; ')}`);
  }
}

/** The invocation event is not one CTR object, an array of CTRs, or `{"records": [...]}`. */
export class InvalidEventError extends EmulatorError {}

/** Some records could not be put into the stream; `result` lists each one by input index. */
export class RecordsNotSentError extends EmulatorError {
  constructor(
    message: string,
    /** What was sent and what was not. */
    readonly result: SendResult,
  ) {
    super(message);
  }
}
