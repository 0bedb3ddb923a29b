import { setTimeout as pause } from 'node:timers/promises';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { injectFunctionDeaths, VICTIM_TIMEOUT_MS } from '../../local/faults/function-death';
import type { EventSourceMapping } from '../../local/poller/event-source-mapping';
import { FunctionCrashError, FunctionTimeoutError, invoke } from '../../local/poller/invocation';

// Finding 8: on a busy machine the local runner must stop invocations the way Lambda does, and only those
// Lambda would stop. Nothing here waits for luck: the event loop is blocked on purpose, so timers fire late.
const region = 'us-east-1';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
// Nothing listens there: a request that goes out fails at once; a frozen one never settles.
const endpoint = 'http://127.0.0.1:9';

function fakeEnvironment() {
  const clients = {
    dynamodb: new DynamoDBClient({ region, credentials, endpoint, maxAttempts: 1 }),
    firehose: new FirehoseClient({ region, credentials, endpoint, maxAttempts: 1 }),
    s3: new S3Client({ region, credentials, endpoint, maxAttempts: 1 }),
  };
  const mapping = { planInvocation: () => ({}) } as unknown as EventSourceMapping;
  return {
    clients,
    mapping,
    destroy: () => {
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}

/** Keeps the CPU busy without yielding, as a starved process would experience its own slowness. */
const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

const settledWithin = async (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    pause(ms).then(() => 'pending'),
  ]);

test('a request an invocation attempts after its deadline never goes out, even before the timer that kills it has fired', async () => {
  const env = fakeEnvironment();
  injectFunctionDeaths(env, { point: 'after-claim', rate: 1, victimTimeoutMs: 50 });
  let request: Promise<unknown> | undefined;
  const run = invoke(1, env.mapping.planInvocation, async () => {
    busy(120); // past the 50 ms deadline; the timeout timer cannot fire while this runs
    request = env.clients.dynamodb.send(new GetItemCommand({ TableName: 't', Key: { fp: { S: 'x' } } }));
    return 'returned';
  });
  await expect(run).rejects.toThrow(FunctionTimeoutError);
  expect(await settledWithin(request!, 300)).toBe('pending');
  env.destroy();
});

test("a healthy invocation slower than the victims' timeout is not killed: it keeps the function's own timeout", async () => {
  const env = fakeEnvironment();
  injectFunctionDeaths(env, { point: 'after-claim', rate: 0 });
  const run = invoke(1, env.mapping.planInvocation, async () => {
    busy(VICTIM_TIMEOUT_MS + 200);
    await pause(10);
    return 'returned';
  });
  await expect(run).resolves.toBe('returned');
  env.destroy();
});

test('a victim of die-after-receipt is reported at once (a runtime that exited), without waiting for a timeout', async () => {
  const env = fakeEnvironment();
  injectFunctionDeaths(env, { point: 'after-receipt', rate: 1 });
  const run = invoke(1, env.mapping.planInvocation, async () => {
    // The receipt write's answer is where it dies; here the attempt fails (nothing listens), so kill by hand.
    const { currentInvocation } = await import('../../local/poller/invocation');
    currentInvocation()!.kill();
    return 'returned';
  });
  await expect(run).rejects.toThrow(FunctionCrashError);
  env.destroy();
});
