import { createHash } from 'node:crypto';
import { createHashKeyTable } from '../../local/tables';
import { PutRecordCommand } from '@aws-sdk/client-firehose';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { DedupDesign } from '../design';

/** The part of a Lambda context Powertools reads: the time left, here a fresh 60 s invocation each call. */
const lambdaContext = (): Context =>
  ({ functionName: 'ctr-dedup-powertools', getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

/** What the idempotent per-record function receives: the key Powertools hashes, and the record. */
interface RecordPayload {
  /** SHA-256 (hex) of the record's bytes: the idempotency key, selected with `eventKeyJmesPath`. */
  readonly fingerprint: string;
  readonly line: Buffer;
}

/**
 * The Powertools design: `makeIdempotent` around a per-record function that forwards the record to
 * Firehose (one `PutRecord`), DynamoDBPersistenceLayer with the table layout Powertools documents
 * (partition key `id`), keyed on the record's SHA-256, records taken one after another as the
 * `makeIdempotent` docs show. Each new record costs an INPROGRESS PutItem and a COMPLETED UpdateItem;
 * a copy costs a failed conditional PutItem (plus a GetItem where the server ignores `ALL_OLD`, as
 * dynalite does; DynamoDB returns the item with the failure).
 */
export const powertoolsDesign: DedupDesign = {
  id: 'powertools',
  label: 'Powertools idempotency (makeIdempotent per record, PutRecord)',
  // The table layout Powertools documents: partition key `id`.
  createTable: (dynamodb, tableName) => createHashKeyTable(dynamodb, tableName, 'id'),
  build({ dynamodb, firehose }, { tableName, deliveryStreamName }) {
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'fingerprint', expiresAfterSeconds: 7 * 24 * 3600 });
    // As in Lambda, where the handler registers its context: the in-progress item then expires with the invocation.
    config.registerLambdaContext(lambdaContext());
    const forward = makeIdempotent(
      async (payload: RecordPayload): Promise<void> => {
        await firehose.send(new PutRecordCommand({ DeliveryStreamName: deliveryStreamName, Record: { Data: payload.line } }));
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
        config,
      },
    );
    return async (event) => {
      const batchItemFailures: { itemIdentifier: string }[] = [];
      for (const record of event.Records) {
        const data = Buffer.from(record.kinesis.data, 'base64');
        try {
          await forward({ fingerprint: createHash('sha256').update(data).digest('hex'), line: Buffer.concat([data, Buffer.from('\n')]) });
        } catch {
          batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
        }
      }
      return { batchItemFailures };
    };
  },
};
