import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../local/servers/dynamodb-local';
import { BENCH_NAMES, type ServerProcessMessage, type ServerProcessRequest } from './server-protocol';

export { BENCH_NAMES };

/** The local servers, started once for the whole benchmark. */
export interface BenchServers {
  readonly endpoints: {
    readonly dynamodb: string;
    readonly kinesis: string;
    readonly s3: string;
    readonly firehose: string;
  };
  /** Has the Firehose endpoint write its buffers now (it does so up to a second after the last record). */
  flushFirehose(): Promise<void>;
  close(): Promise<void>;
}

/** The benchmark's server process ended before it was asked to. */
export class BenchServersError extends Error {
  constructor(code: number | null) {
    super(`The benchmark's local servers stopped (exit code ${code}); see the messages above, then run it again.`);
    this.name = 'BenchServersError';
  }
}

/**
 * Starts the benchmark's servers, none in this process, so that this process's CPU is the handler's and its
 * SDK's: DynamoDB Local in its Java process, and kinesalite, s3rver and the Firehose-compatible endpoint
 * (partitioned, converted and backed up as in the stack) in one Node process of their own (`server-process.ts`).
 */
export async function startBenchServers(): Promise<BenchServers> {
  const child = fork(join(__dirname, 'server-process.ts'), [], {
    // TypeScript entry point, loaded through tsx as `local/servers/kinesis.ts` does for kinesalite.
    execArgv: ['--require', require.resolve('tsx/cjs')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const failed = exited.then((code) => Promise.reject(new BenchServersError(code)));
  failed.catch(() => undefined);
  const next = () =>
    Promise.race([new Promise<ServerProcessMessage>((resolve) => child.once('message', resolve)), failed]);
  const ask = (request: ServerProcessRequest) => {
    const answer = next();
    child.send(request);
    return answer;
  };
  try {
    const [dynamodb, started] = await Promise.all([startDynamoDbLocal(), next()]);
    if (started === 'flushed') throw new BenchServersError(null);
    return {
      endpoints: { dynamodb: dynamodb.endpoint, ...started.endpoints },
      flushFirehose: async () => {
        await ask('flush');
      },
      close: async () => {
        child.send('close');
        await Promise.all([exited, dynamodb.close()]);
      },
    };
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
}
