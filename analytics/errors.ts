import { NamedError } from '../lambda-common/named-error';

/** Base class of every error the analytics layer (views, named queries, query runners) raises. */
export class AnalyticsError extends NamedError {}

/** No named query or view has this name. */
export class UnknownQueryError extends AnalyticsError {
  constructor(
    /** The name asked for. */
    readonly queryName: string,
    /** The names that exist. */
    readonly known: readonly string[],
  ) {
    super(`unknown query "${queryName}"; known: ${known.join(', ')}`);
  }
}

/** A `.sql` file lacks its leading `--` description or its statement. */
export class SqlFileError extends AnalyticsError {}

/** Athena finished a query in a state other than SUCCEEDED. */
export class AthenaQueryFailedError extends AnalyticsError {
  constructor(
    /** The query execution id. */
    readonly queryExecutionId: string,
    /** FAILED or CANCELLED. */
    readonly state: string,
    /** Athena's reason, when it gave one. */
    readonly reason?: string,
  ) {
    super(`Athena query ${queryExecutionId} ${state}${reason ? `: ${reason}` : ''}`);
  }
}
