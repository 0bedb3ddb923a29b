import type { Server } from 'node:http';
import type { RunningServer } from './listen';
import { closeServer } from './listen';

// s3rver ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: new (
  options: Record<string, unknown>,
) => {
  run(): Promise<{ port: number }>;
  httpServer?: Server;
  on(event: 'error', listener: (err: Error & { expose?: boolean }) => void): void;
} = require('s3rver');

/**
 * Starts s3rver (S3, objects as files under `directory`) on a free loopback port.
 *
 * s3rver answers any failure of its own with HTTP 500 and S3's generic "We encountered an internal error",
 * and `silent` hides the cause. Marking the error as exposed (s3rver's koa app emits it before it builds the
 * response) makes the answer carry the underlying message instead, so that a run that fails on it says why.
 */
export async function startS3(directory: string): Promise<RunningServer> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
  server.on('error', (err) => {
    if (!err.expose) {
      err.message = `the local S3 server (s3rver) failed: ${err.message}`;
      err.expose = true;
    }
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      if (server.httpServer) await closeServer(server.httpServer);
    },
  };
}
