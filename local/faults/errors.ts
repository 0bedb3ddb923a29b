import { NamedError } from '../../lambda-common/named-error';

/** Base class of the errors the fault tooling raises on purpose. */
export class FaultError extends NamedError {}

/** A `--fault NAME[=RATE]` argument that names no known fault or has a bad rate. */
export class FaultSpecError extends FaultError {}
