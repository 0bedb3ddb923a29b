/**
 * Base of the errors the project raises on purpose: `name` is the subclass name (Lambda reports it as
 * `errorType`, and logs and tests match on it), and `cause` is kept when given.
 * @example class InvalidEventError extends NamedError {}
 */
export class NamedError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
