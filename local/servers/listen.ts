import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server started on a free loopback port. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>`, for an SDK client's `endpoint`. */
  readonly endpoint: string;
  /** Stops accepting connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with a free port (port 0) and returns the endpoint. */
export async function listenOnLoopback(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** Closes a server, dropping idle keep-alive connections so that the close does not hang. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections?.();
  });
}
