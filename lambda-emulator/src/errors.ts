import type { SendResult } from './sendRecords';

/** Base class of every error the emulator throws on purpose. */
export class EmulatorError extends Error {
  constructor(message: string) {
    super(message);
    // Lambda reports `name` as errorType: make it the subclass name, not "Error".
    this.name = new.target.name;
  }
}

/** The function's environment is missing or has an invalid setting; thrown at cold start. */
export class ConfigurationError extends EmulatorError {}

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
