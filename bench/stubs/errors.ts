/** Base class of the errors the in-memory stand-ins raise on purpose. */
export class StubError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An expression the in-memory DynamoDB does not understand; it supports only what the designs send. */
export class UnsupportedExpressionError extends StubError {}

/** A request to the in-memory DynamoDB that DynamoDB itself would reject (unknown table, bad key). */
export class StubValidationError extends StubError {}
