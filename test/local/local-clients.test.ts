import { localDynamoDbClient, localFirehoseClient, localKinesisClient, localS3Client } from '../../local/clients';

describe('local clients', () => {
  it("run without the SDK's call logging, as the function's own clients do", () => {
    const endpoint = 'http://127.0.0.1:1';
    const clients = [
      localKinesisClient(endpoint),
      localDynamoDbClient(endpoint),
      localFirehoseClient(endpoint),
      localS3Client(endpoint),
    ];
    for (const client of clients) {
      expect(client.middlewareStack.identify().filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
      client.destroy();
    }
  });
});
