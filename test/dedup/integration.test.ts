import { gunzipSync } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../lambda-dedup/src/config';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR, DEDUP_ENV } from '../../lambda-dedup/src/constants';
import { createDedupHandler, type DedupHandler } from '../../lambda-dedup/src/handler';
import { DELIVERY_LAYOUT, staticRoot } from '../../lib/definitions/delivery-layout';
import { getObjectBytes, listKeys } from '../../local/bucket';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/environment';
import { duplicatedSamples, kinesisEvent } from './helpers';

// The dedup handler against real local servers over HTTP with real SDK clients: dynalite for the claims,
// the project's Firehose-compatible endpoint writing to s3rver for delivery.
let env: LocalEnvironment;
let handler: DedupHandler;

beforeAll(async () => {
  env = await startLocalEnvironment();
  const config = loadConfig({
    [DEDUP_ENV.tableName]: env.names.tableName,
    [DEDUP_ENV.deliveryStreamName]: env.names.deliveryStreamName,
    [DEDUP_ENV.quarantineBucketName]: env.names.bucketName,
    // Lines are compared byte for byte with the input; pseudonymization has its own tests.
    [DEDUP_ENV.pseudonymize]: 'off',
  });
  handler = createDedupHandler({
    dynamodb: env.clients.dynamodb,
    firehose: env.clients.firehose,
    s3: env.clients.s3,
    config,
  });
});
afterAll(async () => env.stop());

const forwarded = () => env.firehose.stats(env.names.deliveryStreamName).recordsAccepted;

test('duplicated_samples.json: 6 records in, exactly the 3 distinct ones forwarded; the same batch again forwards none', async () => {
  const samples = duplicatedSamples();
  const event = kinesisEvent(samples);

  expect(await handler(event)).toEqual({ batchItemFailures: [] });
  expect(forwarded()).toBe(3);

  expect(await handler(event)).toEqual({ batchItemFailures: [] });
  expect(forwarded()).toBe(3);

  // The same records arriving again as new stream records are copies too.
  expect(await handler(kinesisEvent(samples, { first: 100 }))).toEqual({ batchItemFailures: [] });
  expect(forwarded()).toBe(3);

  await env.firehose.flush();
  // The table's objects are Parquet; the source-record backup holds the delivered records byte for byte.
  expect((await listKeys(env.clients.s3, env.names.bucketName, DELIVERY_LAYOUT.dataRoot)).length).toBeGreaterThan(0);
  const lines: string[] = [];
  for (const key of await listKeys(env.clients.s3, env.names.bucketName, staticRoot(DELIVERY_LAYOUT.backupPrefix))) {
    const text = gunzipSync(await getObjectBytes(env.clients.s3, env.names.bucketName, key)).toString('utf8');
    lines.push(...text.split('\n').filter(Boolean));
  }
  expect(lines.sort()).toEqual([...new Set(samples)].sort());

  const items = (await env.clients.dynamodb.send(new ScanCommand({ TableName: env.names.tableName }))).Items ?? [];
  const claims = items.filter((i) => !i[CLAIM_ATTR.fingerprint].S!.startsWith(BATCH_RECEIPT_PREFIX));
  expect(claims).toHaveLength(3);
  for (const item of claims) expect(Number(item[CLAIM_ATTR.expiresAt].N)).toBeGreaterThan(Date.now() / 1000);
});
