import { NamedError } from '../../lambda-common/named-error';

/** Base class of every error the dedup function raises on purpose. */
export class DedupError extends NamedError {}

/** The function's environment is missing or invalid; raised at cold start, so nothing is processed. */
export class ConfigurationError extends DedupError {
  public constructor(public readonly problems: readonly string[]) {
    super(`Invalid dedup function configuration: ${problems.join('; ')}`);
  }
}

/** A claim kept appearing and vanishing under concurrent writers; the record is retried by the stream. */
export class ClaimContentionError extends DedupError {
  public constructor(public readonly fingerprint: string) {
    super(`Claim for fingerprint ${fingerprint.slice(0, 12)}… changed during every attempt`);
  }
}

/** One statement of a PartiQL batch failed (`code` is DynamoDB's per-statement error code); the record alone is retried. */
export class StatementError extends DedupError {
  public constructor(public readonly code: string) {
    super(`A batched DynamoDB statement failed with ${code}`);
  }
}

/** The pseudonymization key could not be had; nothing is delivered in clear, the stream retries the batch. */
export class PseudonymizationKeyError extends DedupError {
  public constructor(
    public readonly source: string,
    problem: string,
  ) {
    super(
      `The pseudonymization key in ${source} is unusable: ${problem}. Check the secret and the function's permission to read it.`,
    );
  }
}
