import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createDedupHandler, type DedupDependencies } from '../../lambda-dedup/src/handler';

/**
 * A Firehose stand-in for fault injection: keeps every accepted line and rejects the entries `reject`
 * picks (per entry, by text), or whole calls while `down` is set.
 */
export function fakeFirehose() {
  const mock = mockClient(FirehoseClient);
  const state = {
    delivered: [] as string[],
    reject: (_line: string): string | undefined => undefined,
    down: undefined as Error | undefined,
    /** Calls that never answer, as when the function is killed while waiting. */
    hangCalls: 0,
  };
  mock.on(PutRecordBatchCommand).callsFake((input: { Records?: { Data?: Uint8Array }[] }) => {
    if (state.hangCalls > 0) {
      state.hangCalls--;
      return new Promise(() => undefined);
    }
    if (state.down) throw state.down;
    const entries = (input.Records ?? []).map((r, i) => {
      const line = Buffer.from(r.Data!).toString();
      const code = state.reject(line);
      if (code) return { ErrorCode: code, ErrorMessage: 'rejected by test' };
      state.delivered.push(line);
      return { RecordId: `rec-${state.delivered.length}-${i}` };
    });
    return {
      FailedPutCount: entries.filter((e) => 'ErrorCode' in e).length,
      Encrypted: false,
      RequestResponses: entries,
    };
  });
  return { mock, state, client: new FirehoseClient({ region: 'us-east-1' }) };
}

/** An S3 stand-in that keeps every object put, by key. */
export function fakeS3() {
  const mock = mockClient(S3Client);
  const objects = new Map<string, string>();
  const state = { fail: undefined as Error | undefined };
  mock.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: unknown }) => {
    if (state.fail) throw state.fail;
    objects.set(input.Key!, String(input.Body));
    return {};
  });
  return { mock, objects, state, client: new S3Client({ region: 'us-east-1' }) };
}

/**
 * The dedup handler as the Lambda builds it (Powertools logger and metrics), on the given claims store, with
 * the fault-injecting Firehose and S3 above.
 */
export function handlerWithFakes(
  dynamodb: DynamoDBClient,
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR',
  deps: Pick<DedupDependencies, 'config'> & Partial<DedupDependencies>,
) {
  const firehose = fakeFirehose();
  const s3 = fakeS3();
  const handler = createDedupHandler({
    dynamodb,
    firehose: firehose.client,
    s3: s3.client,
    logger: new Logger({ serviceName: 'ctr-dedup', logLevel }),
    metrics: new Metrics({ serviceName: 'ctr-dedup', namespace: 'Test' }),
    ...deps,
  });
  return { handler, firehose, s3 };
}
