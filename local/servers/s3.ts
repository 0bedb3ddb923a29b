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
} = require('s3rver');

/** Starts s3rver (S3, objects as files under `directory`) on a free loopback port. */
export async function startS3(directory: string): Promise<RunningServer> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      if (server.httpServer) await closeServer(server.httpServer);
    },
  };
}
