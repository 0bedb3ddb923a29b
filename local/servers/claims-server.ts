import type { RunningServer } from './listen';

/** The DynamoDB servers `ctr local` can keep its claims table in. */
export const CLAIMS_SERVERS = ['auto', 'dynalite', 'dynamodb-local'] as const;
export type ClaimsServerChoice = (typeof CLAIMS_SERVERS)[number];

/**
 * Input size from which `auto` runs DynamoDB Local: its start (seconds, a JVM) pays for itself on larger
 * inputs, where dynalite costs most of a run's CPU (one request per claim, since it lacks
 * `BatchExecuteStatement`, in the same process as the handler). About 5,000 CTRs of 3 KB.
 */
export const AUTO_DYNAMODB_LOCAL_MIN_BYTES = 16 * 1024 ** 2;

/** The server `choice` means for an input of `inputBytes` (unknown for standard input). */
export function resolveClaimsServer(
  choice: ClaimsServerChoice,
  inputBytes: number | undefined,
): Exclude<ClaimsServerChoice, 'auto'> {
  if (choice !== 'auto') return choice;
  return inputBytes !== undefined && inputBytes >= AUTO_DYNAMODB_LOCAL_MIN_BYTES ? 'dynamodb-local' : 'dynalite';
}

/** What `startClaimsServer` started: DynamoDB Local, or nothing (the environment then starts dynalite in-process). */
export interface ClaimsServer {
  readonly kind: Exclude<ClaimsServerChoice, 'auto'>;
  /** DynamoDB Local's endpoint; absent for dynalite. */
  readonly server?: RunningServer;
  /** Why `auto` fell back to dynalite, in words. */
  readonly fallback?: string;
}

/**
 * Starts the claims table's server for a run. With `auto`, a DynamoDB Local that cannot start (no Java)
 * falls back to dynalite with a note; asked for by name, it fails the run with its reason.
 * `start` starts DynamoDB Local. @default startDynamoDbLocal
 */
export async function startClaimsServer(
  choice: ClaimsServerChoice,
  inputBytes: number | undefined,
  start?: (options: import('./dynamodb-local').DynamoDbLocalOptions) => Promise<RunningServer>,
): Promise<ClaimsServer> {
  const kind = resolveClaimsServer(choice, inputBytes);
  if (kind === 'dynalite') return { kind };
  // Required here, not at the top: the CLI reads CLAIMS_SERVERS for --help, which must not load the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DynamoDbLocalStartError, LEAN_JVM_OPTIONS, startDynamoDbLocal } =
    require('./dynamodb-local') as typeof import('./dynamodb-local');
  try {
    return { kind, server: await (start ?? startDynamoDbLocal)({ javaOptions: LEAN_JVM_OPTIONS, mallocArenas: 1 }) };
  } catch (err) {
    if (choice === 'auto' && err instanceof DynamoDbLocalStartError) return { kind: 'dynalite', fallback: err.message };
    throw err;
  }
}
