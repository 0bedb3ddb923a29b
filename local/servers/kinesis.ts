import { fork } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback, type RunningServer } from './listen';

// kinesalite ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite: (options: Record<string, unknown>) => Server = require('kinesalite');

/** Starts kinesalite (Kinesis Data Streams) on a free loopback port: in memory, or in LevelDB under `path`. */
export function startKinesis(path?: string): Promise<RunningServer> {
  // Streams become ACTIVE at once instead of after kinesalite's default 500 ms.
  return listenOnLoopback(
    kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50, path }),
  );
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

/**
 * `startKinesis` in a Node process of its own (a real server process, as in AWS): a big run's stream work
 * then uses the second core. The process ends with `close`, or by itself when this process exits.
 */
export async function startKinesisProcess(path?: string): Promise<RunningServer> {
  const child = fork(join(__dirname, 'kinesis-process.ts'), path ? [path] : [], {
    // The entry point is TypeScript, as everything here: the child loads it through tsx, as `ctr` does.
    execArgv: ['--require', require.resolve('tsx/cjs')],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
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
