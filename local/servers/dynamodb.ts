import type { Server } from 'node:http';
import { listenOnLoopback, type RunningServer } from './listen';

// dynalite ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: Record<string, unknown>) => Server = require('dynalite');

/** Starts dynalite (DynamoDB) on a free loopback port: in memory, or in LevelDB under `path`. */
export function startDynamoDb(path?: string): Promise<RunningServer> {
  // Tables become ACTIVE at once instead of after dynalite's default 500 ms.
  return listenOnLoopback(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path }));
}
