import { createHash } from 'node:crypto';
import { CreateTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-firehose';
import type { DedupDesign } from '../design';

/** Name of the secondary index the naive design looks fingerprints up in. */
export const NAIVE_INDEX = 'fp-index';
const WINDOW_SECONDS = 7 * 24 * 3600;

/**
 * The naive design, as the original demo did it: for each record in turn, query a global secondary index
 * for the record's SHA-256, put an item if none was found, then send the record to Firehose with one
 * `PutRecord` call. Items are keyed by the stream record (`<shard>:<sequence>`), so the fingerprint
 * lives in an index (eventually consistent in DynamoDB: two copies close together can both pass).
 * A record put but not forwarded (crash between the two) is lost: that is the design, not a bench bug.
 */
export const naiveDesign: DedupDesign = {
  id: 'naive',
  label: 'naive (Query GSI, PutItem, PutRecord; one record at a time)',
  async createTable(dynamodb, tableName) {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'fp', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: NAIVE_INDEX, KeySchema: [{ AttributeName: 'fp', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  },
  build({ dynamodb, firehose }, { tableName, deliveryStreamName }) {
    return async (event) => {
      const batchItemFailures: { itemIdentifier: string }[] = [];
      for (const record of event.Records) {
        const data = Buffer.from(record.kinesis.data, 'base64');
        const fp = createHash('sha256').update(data).digest('hex');
        try {
          const found = await dynamodb.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: NAIVE_INDEX,
              KeyConditionExpression: '#fp = :fp',
              ExpressionAttributeNames: { '#fp': 'fp' },
              ExpressionAttributeValues: { ':fp': { S: fp } },
              Limit: 1,
            }),
          );
          if ((found.Count ?? 0) > 0) continue;
          const now = Math.floor(Date.now() / 1000);
          await dynamodb.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { id: { S: record.eventID }, fp: { S: fp }, expiresAt: { N: String(now + WINDOW_SECONDS) } },
            }),
          );
          await firehose.send(new PutRecordCommand({ DeliveryStreamName: deliveryStreamName, Record: { Data: Buffer.concat([data, Buffer.from('\n')]) } }));
        } catch {
          batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
        }
      }
      return { batchItemFailures };
    };
  },
};
