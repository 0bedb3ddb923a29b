import { NamedError } from '../lambda-common/named-error';

/** Base class of every error the CDK app raises for a bad prop or context value. */
export class StackConfigError extends NamedError {}

/** A prop is outside the range the service accepts (raised at synth, not at deploy). */
export class InvalidSettingError extends StackConfigError {
  constructor(
    /** Name of the prop or context key. */
    readonly setting: string,
    /** What the value must be. */
    readonly expected: string,
    /** The value given, rendered for the message. */
    readonly actual: unknown,
  ) {
    super(`${setting} must be ${expected}, got ${JSON.stringify(actual)}`);
  }
}
