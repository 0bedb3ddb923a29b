import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { countRequests } from '../../bench/counters';
import { inMemoryFirehoseClient } from '../../bench/stubs/in-memory-transport';
import { localDynamoDbClient, newDynamoDbNamespace } from '../../local/clients';
import { createHashKeyTable } from '../../local/tables';
import { sharedDynamoDbLocal } from '../dynamodb-local';
import { startDynalite } from './helpers';

let dynalite: { client: DynamoDBClient; stop: () => Promise<void> };
beforeAll(async () => {
  dynalite = await startDynalite();
  await dynalite.client.send(
    new CreateTableCommand({
      TableName: 'counted',
      AttributeDefinitions: [{ AttributeName: 'fp', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'fp', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(() => dynalite.stop());

const conditionalPut = (fp: string) =>
  new PutItemCommand({
    TableName: 'counted',
    Item: { fp: { S: fp } },
    ConditionExpression: 'attribute_not_exists(fp)',
  });

describe('countRequests', () => {
  test('counts a failed conditional put as a request and a write unit', async () => {
    const counter = countRequests(dynalite.client);
    await dynalite.client.send(conditionalPut('a'));
    await expect(dynalite.client.send(conditionalPut('a'))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(counter.counts.requests).toBe(2);
    expect(counter.counts.writeUnits).toBe(2);
    expect(counter.counts.failedConditionalWrites).toBe(1);
  });

  test('counts reads apart from writes, and starts again after reset()', async () => {
    const counter = countRequests(dynalite.client);
    await dynalite.client.send(conditionalPut('b'));
    counter.reset();
    await dynalite.client.send(new GetItemCommand({ TableName: 'counted', Key: { fp: { S: 'b' } } }));
    expect(counter.counts.requests).toBe(1);
    expect(counter.counts.readRequests).toBe(1);
    expect(counter.counts.writeUnits).toBe(0);
    expect(counter.counts.byCommand.get('GetItemCommand')).toBe(1);
  });

  test('counts each statement of a batch as a write unit, and its failed inserts as failed conditional writes (DynamoDB Local)', async () => {
    const client = localDynamoDbClient(sharedDynamoDbLocal(), newDynamoDbNamespace());
    try {
      await createHashKeyTable(client, 'counted', 'fp');
      const counter = countRequests(client);
      const insert = (fp: string) => ({ Statement: `INSERT INTO "counted" VALUE {'fp': ?}`, Parameters: [{ S: fp }] });
      await client.send(new BatchExecuteStatementCommand({ Statements: [insert('a'), insert('b')] }));
      await client.send(new BatchExecuteStatementCommand({ Statements: [insert('a'), insert('c'), insert('d')] }));
      await client.send(
        new BatchGetItemCommand({
          RequestItems: { counted: { Keys: [{ fp: { S: 'a' } }, { fp: { S: 'c' } }], ConsistentRead: true } },
        }),
      );
      expect(counter.counts.requests).toBe(3);
      expect(counter.counts.writeUnits).toBe(5);
      expect(counter.counts.failedConditionalWrites).toBe(1);
      expect(counter.counts.readRequests).toBe(1);
      expect(counter.counts.readUnits).toBe(2);
    } finally {
      client.destroy();
    }
  });

  test('counts the records Firehose calls carry', async () => {
    const { client } = inMemoryFirehoseClient();
    const counter = countRequests(client);
    await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 's',
        Records: [{ Data: Buffer.from('1') }, { Data: Buffer.from('2') }],
      }),
    );
    await client.send(new PutRecordCommand({ DeliveryStreamName: 's', Record: { Data: Buffer.from('3') } }));
    expect(counter.counts.requests).toBe(2);
    expect(counter.counts.firehoseRecords).toBe(3);
  });
});
