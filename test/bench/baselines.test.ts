import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { naiveDesign } from '../../bench/baselines/naive';
import { powertoolsDesign } from '../../bench/baselines/powertools';
import { countRequests } from '../../bench/counters';
import type { DedupDesign } from '../../bench/design';
import { toKinesisEvents } from '../../bench/kinesis-event';
import { inMemoryFirehoseClient } from '../../bench/stubs/in-memory-transport';
import { duplicatedSamples, startDynalite } from './helpers';

let dynalite: { client: DynamoDBClient; stop: () => Promise<void> };
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(() => dynalite.stop());

let tables = 0;
async function setUp(design: DedupDesign) {
  const tableName = `${design.id}-${++tables}`;
  await design.createTable(dynalite.client, tableName);
  const counter = countRequests(dynalite.client);
  const firehose = inMemoryFirehoseClient();
  const fn = design.build(
    { dynamodb: dynalite.client, firehose: firehose.client, s3: new S3Client({ region: 'us-east-1' }) },
    { tableName, deliveryStreamName: 'ctr-bench', bucketName: 'unused' },
  );
  return { fn, firehose, counter };
}

describe.each([naiveDesign, powertoolsDesign])('baseline $id against dynalite', (design) => {
  test('forwards each distinct record once and drops exact copies', async () => {
    const { fn, firehose } = await setUp(design);
    const [event] = toKinesisEvents(duplicatedSamples(), 100);
    const result = await fn(event);
    expect(result.batchItemFailures).toEqual([]);
    expect(firehose.stats.records).toBe(3);
  });

  test('forwards nothing when the same batch is presented again', async () => {
    const { fn, firehose } = await setUp(design);
    const [event] = toKinesisEvents(duplicatedSamples(), 100);
    await fn(event);
    await fn(event);
    expect(firehose.stats.records).toBe(3);
  });

  test('sends one Firehose PutRecord per forwarded record', async () => {
    const { fn, firehose } = await setUp(design);
    await fn(toKinesisEvents(duplicatedSamples(), 100)[0]);
    expect(firehose.stats.calls).toBe(3);
  });
});

describe('DynamoDB traffic of the baselines', () => {
  test('naive: one Query per record and one PutItem per distinct record', async () => {
    const { fn, counter } = await setUp(naiveDesign);
    counter.reset();
    await fn(toKinesisEvents(duplicatedSamples(), 100)[0]);
    expect(counter.counts.byCommand.get('QueryCommand')).toBe(6);
    expect(counter.counts.byCommand.get('PutItemCommand')).toBe(3);
    expect(counter.counts.writeUnits).toBe(3);
  });

  test('Powertools: INPROGRESS put and COMPLETED update per distinct record, a failed put per copy', async () => {
    const { fn, counter } = await setUp(powertoolsDesign);
    counter.reset();
    await fn(toKinesisEvents(duplicatedSamples(), 100)[0]);
    expect(counter.counts.byCommand.get('PutItemCommand')).toBe(6);
    expect(counter.counts.byCommand.get('UpdateItemCommand')).toBe(3);
    expect(counter.counts.failedConditionalWrites).toBe(3);
    expect(counter.counts.writeUnits).toBe(9);
  });
});
