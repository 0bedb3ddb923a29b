/** Base class of the errors the fault tooling raises on purpose. */
export class FaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A `--fault NAME[=RATE]` argument that names no known fault or has a bad rate. */
export class FaultSpecError extends FaultError {}
