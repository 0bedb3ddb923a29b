import type { Server } from 'node:http';
import { listenOnLoopback, type RunningServer } from './listen';

// kinesalite ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite: (options: Record<string, unknown>) => Server = require('kinesalite');

/** Starts kinesalite (Kinesis Data Streams) on a free loopback port: in memory, or in LevelDB under `path`. */
export function startKinesis(path?: string): Promise<RunningServer> {
  // Streams become ACTIVE at once instead of after kinesalite's default 500 ms.
  return listenOnLoopback(kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50, path }));
}
