import { fork } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback, type RunningServer } from './listen';

// kinesalite ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite: (options: Record<string, unknown>) => Server = require('kinesalite');

/**
 * Starts kinesalite (Kinesis Data Streams) on a free loopback port: in memory, or in LevelDB under `path`.
 * `prepare` may change the HTTP server before it listens.
 */
export function startKinesis(path?: string, prepare?: (server: Server) => void): Promise<RunningServer> {
  // Streams become ACTIVE at once instead of after kinesalite's default 500 ms.
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50, path });
  prepare?.(server);
  return listenOnLoopback(server);
}

/** kinesalite's process ended before it listened. */
export class KinesisProcessError extends Error {
  constructor(code: number | null) {
    super(
      `The local Kinesis server's process exited (code ${code}) before it started; run "ctr doctor" to check the installation.`,
    );
    this.name = 'KinesisProcessError';
  }
}

/** Old-space limit of the Kinesis server's process, in MB. */
export const KINESIS_PROCESS_HEAP_MB = 96;

/**
 * Its young generation's semi-space limit, in MB (V8's default is 16). Measured on 50,000 records: 8 kept the
 * process about 15 MiB smaller at the same CPU; 4 saved 12 to 24 MiB more for 13% more of this process's CPU
 * (about 0.03 CPU s per 1,000 records of the run), taken once DynamoDB Local's compiler left room in the CPU
 * and none in memory (docs/scale.md, seventh round); 2 saved no more.
 */
export const KINESIS_PROCESS_SEMI_SPACE_MB = 4;

/**
 * `startKinesis` in a Node process of its own (a real server process, as in AWS): a big run's stream work
 * then uses the second core. The process ends with `close`, or by itself when this process exits.
 */
export async function startKinesisProcess(path?: string): Promise<RunningServer> {
  const child = fork(join(__dirname, 'kinesis-process.ts'), path ? [path] : [], {
    // The entry point is TypeScript, as everything here: the child loads it through tsx, as `ctr` does.
    // A small heap limit: V8 otherwise sizes the heap by the machine's memory and lets kinesalite's garbage (JSON
    // and base64 of every record) grow to hundreds of MB before collecting it; its live data is small.
    execArgv: [
      '--require',
      require.resolve('tsx/cjs'),
      `--max-old-space-size=${KINESIS_PROCESS_HEAP_MB}`,
      `--max-semi-space-size=${KINESIS_PROCESS_SEMI_SPACE_MB}`,
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // One malloc arena and two libuv threads (LevelDB's reads and writes run on them): each thread's arena kept
    // free space of its own (docs/scale.md, fourth round).
    env: { ...process.env, MALLOC_ARENA_MAX: '1', UV_THREADPOOL_SIZE: '2' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { endpoint: string }) => resolve(message.endpoint));
    child.once('exit', (code) => reject(new KinesisProcessError(code)));
    child.once('error', reject);
  });
  return {
    endpoint,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
