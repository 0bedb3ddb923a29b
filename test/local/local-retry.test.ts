import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_DYNAMODB_BACKOFF_MS, LOCAL_DYNAMODB_MAX_ATTEMPTS, localDynamoDbClient } from '../../local/clients';
import { addAttemptHook } from '../../local/faults/aws-middleware';
import { LocalRetryStrategy } from '../../local/local-retry-strategy';

// A run under `--fault dynamodb-throttle` used to sleep most of its time: the SDK waits up to 1 s after each
// throttle. The local client keeps the SDK's attempts but backs off for at most a fraction of that.
describe('local DynamoDB client retries', () => {
  it('retries a throttled call as often as the SDK does, with short waits', async () => {
    // Nothing listens here: every attempt is answered by the hook before it is sent.
    const client = localDynamoDbClient('http://127.0.0.1:9');
    let attempts = 0;
    addAttemptHook(client, 'always-throttle', {
      before: () => {
        attempts += 1;
        return {
          statusCode: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'throttled',
          },
        };
      },
    });
    const strategy = await client.config.retryStrategy();
    expect(strategy).toBeInstanceOf(LocalRetryStrategy);
    const waits: number[] = [];
    const backoff = jest.spyOn(strategy as LocalRetryStrategy, 'backoffMs');
    backoff.mockImplementation((retry) => {
      const ms = LocalRetryStrategy.prototype.backoffMs.call(strategy, retry);
      waits.push(ms);
      return ms;
    });

    await expect(client.send(new GetItemCommand({ TableName: 't', Key: { fp: { S: 'x' } } }))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(attempts).toBe(LOCAL_DYNAMODB_MAX_ATTEMPTS);
    expect(waits).toHaveLength(LOCAL_DYNAMODB_MAX_ATTEMPTS - 1);
    for (const ms of waits) expect(ms).toBeLessThanOrEqual(LOCAL_DYNAMODB_BACKOFF_MS.max);
    client.destroy();
  });

  it('bounds every backoff by the cap, doubling from the base', () => {
    const strategy = new LocalRetryStrategy(10, 10, 200);
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999_999);
    try {
      expect(Math.round(strategy.backoffMs(1))).toBe(20);
      expect(Math.round(strategy.backoffMs(3))).toBe(80);
      expect(Math.round(strategy.backoffMs(8))).toBe(200);
    } finally {
      random.mockRestore();
    }
  });
});
