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

/**
 * Records the endpoint accepted could not be written to S3 (after the S3 client's own retries). They stay in
 * their buffers and are written by a later flush; until then they are not delivered, so a run must not end
 * as if they were.
 */
export class DeliveryWriteError extends NamedError {
  constructor(
    /** Accepted records (data and error prefixes) still buffered after the failed writes. */
    readonly records: number,
    /** Records of the source-record backup still buffered. */
    readonly backupRecords: number,
    cause: unknown,
  ) {
    const reason = String((cause as Error | undefined)?.message ?? cause).replace(/\.$/, '');
    super(
      `the local Firehose endpoint could not write ${records} accepted records (and ${backupRecords} of the ` +
        `source-record backup) to S3 (${reason}): they are still buffered and not delivered`,
      { cause },
    );
  }
}
