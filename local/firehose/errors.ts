import { NamedError } from '../../lambda-common/named-error';

/** Base class of errors the local Firehose endpoint answers with, in the JSON 1.1 error shape. */
export class FirehoseApiError extends NamedError {
  constructor(
    /** The `__type` the SDK maps to an exception class. */
    readonly code: string,
    message: string,
    /** HTTP status of the response. */
    readonly status: number,
  ) {
    super(message);
  }

  /** The response body, as Firehose sends it. */
  toBody(): string {
    return JSON.stringify({ __type: this.code, message: this.message });
  }
}

/** The delivery stream does not exist. */
export class ResourceNotFoundError extends FirehoseApiError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 400);
  }
}

/** The request breaks a documented limit or is malformed. */
export class ValidationError extends FirehoseApiError {
  constructor(message: string) {
    super('ValidationException', message, 400);
  }
}

/** The request is well formed but not acceptable (for example over the 4 MiB call limit). */
export class InvalidArgumentError extends FirehoseApiError {
  constructor(message: string) {
    super('InvalidArgumentException', message, 400);
  }
}

/** Injected fault: the service is throttling or unavailable; the SDK retries this one. */
export class ServiceUnavailableError extends FirehoseApiError {
  constructor(message = 'Slow down.') {
    super('ServiceUnavailableException', message, 503);
  }
}

/** An operation this endpoint does not implement. */
export class UnknownOperationError extends FirehoseApiError {
  constructor(target: string) {
    super('UnknownOperationException', `unsupported operation ${target}`, 400);
  }
}
