import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createDedupClients } from '../../lambda-dedup/src/clients';

// Finding 9: a hung call must not eat the invocation. A server that accepts requests and never answers.
let server: Server;
const sockets = new Set<Socket>();
beforeAll(async () => {
  server = createServer(() => undefined);
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test('every client of the dedup function abandons a request the server never answers, with a timeout error', async () => {
  const clients = createDedupClients({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestTimeoutsMs: { dynamodb: 200, firehose: 200, s3: 200 },
    maxAttempts: 1,
  });
  const calls = [
    clients.dynamodb.send(new GetItemCommand({ TableName: 't', Key: { fp: { S: 'x' } } })),
    clients.firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'd', Records: [{ Data: Buffer.from('x') }] }),
    ),
    clients.s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })),
  ];
  const outcomes = await Promise.allSettled(calls);
  expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).name : 'answered'))).toEqual([
    'TimeoutError',
    'TimeoutError',
    'TimeoutError',
  ]);
  for (const c of Object.values(clients)) c.destroy();
});

test("the dedup function's clients leave out the SDK's call logging, which copies every call's input and output", () => {
  const clients = createDedupClients({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  for (const client of Object.values(clients)) {
    expect(client.middlewareStack.identify().filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
    client.destroy();
  }
});
