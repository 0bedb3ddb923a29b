import type {
  BatchExecuteStatementCommandInput,
  BatchExecuteStatementCommandOutput,
  BatchStatementRequest,
  BatchStatementResponse,
} from '@aws-sdk/client-dynamodb';
import { CLAIM_ATTR } from '../../lambda-dedup/src/constants';

/** A per-statement fault: DynamoDB's code for it, and whether the statement was applied before it failed. */
export interface StatementFault {
  readonly code: string;
  /** An internal error may come after the write landed. @default false */
  readonly applied?: boolean;
}

/** The partition key a PartiQL statement of the claims table touches (`'fp': ?` or `"fp" = ?`). */
export function statementKey(statement: BatchStatementRequest): string | undefined {
  const text = statement.Statement ?? '';
  const at = text.search(new RegExp(`'${CLAIM_ATTR.fingerprint}': \\?|"${CLAIM_ATTR.fingerprint}" = \\?`));
  if (at < 0) return undefined;
  const index = (text.slice(0, at).match(/\?/g) ?? []).length;
  return statement.Parameters?.[index]?.S;
}

/** The verb of a PartiQL statement (`INSERT`, `UPDATE`, `DELETE`, `SELECT`). */
export const statementVerb = (statement: BatchStatementRequest): string =>
  /^\s*(\w+)/.exec(statement.Statement ?? '')?.[1]?.toUpperCase() ?? '';

/**
 * Answers a `BatchExecuteStatement` as DynamoDB does when some statements fail on their own: the batch
 * succeeds (HTTP 200) and those statements carry an error code. Statements a fault does not apply are not
 * sent at all; the others are sent as one batch and their answers merged back in order.
 */
export async function withStatementFaults(
  input: BatchExecuteStatementCommandInput,
  pick: (statement: BatchStatementRequest) => StatementFault | undefined,
  send: (input: BatchExecuteStatementCommandInput) => Promise<BatchExecuteStatementCommandOutput>,
): Promise<BatchExecuteStatementCommandOutput> {
  const statements = input.Statements ?? [];
  const faults = statements.map(pick);
  if (faults.every((f) => f === undefined)) return send(input);
  const sent = statements.filter((_, i) => faults[i] === undefined || faults[i]?.applied);
  const answer = sent.length > 0 ? await send({ ...input, Statements: sent }) : { $metadata: {}, Responses: [] };
  let next = 0;
  const responses: BatchStatementResponse[] = statements.map((_, i) => {
    const fault = faults[i];
    const real = fault === undefined || fault.applied ? answer.Responses?.[next++] : undefined;
    return fault ? { Error: { Code: fault.code as never, Message: 'injected fault' } } : (real ?? {});
  });
  return { ...answer, Responses: responses };
}
