import { CreateStreamCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { CtrObject } from '../lambda-emulator/src/parseEvent';
import { partitionKeyFor } from '../lambda-emulator/src/prepareRecord';
import { sendRecords } from '../lambda-emulator/src/sendRecords';
import { localKinesisClient } from '../local/clients';

/** Throughput of putting the same CTRs into kinesalite two ways. */
export interface ReplayResult {
  readonly records: number;
  /** This project's emulator: `PutRecords` in chunks within the API limits. */
  readonly batchedPerSecond: number;
  /** One `PutRecord` call per CTR. */
  readonly singlePerSecond: number;
}

let streamSerial = 0;

/**
 * Replays CTRs into a fresh kinesalite stream with the emulator's `sendRecords` (batched `PutRecords`),
 * then into another with one `PutRecord` per CTR, same partition keys (ContactId) and same client setup.
 */
export async function measureEmulatorReplay(
  kinesisEndpoint: string,
  records: readonly Buffer[],
): Promise<ReplayResult> {
  const kinesis = localKinesisClient(kinesisEndpoint);
  try {
    const ctrs = records.map((r) => JSON.parse(r.toString('utf8')) as CtrObject);
    const batchedStream = `bench-batched-${++streamSerial}`;
    const singleStream = `bench-single-${streamSerial}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: batchedStream, ShardCount: 2 }));
    await kinesis.send(new CreateStreamCommand({ StreamName: singleStream, ShardCount: 2 }));

    let t0 = performance.now();
    const result = await sendRecords(kinesis, batchedStream, ctrs);
    const batchedMs = performance.now() - t0;
    if (result.failed.length > 0) throw new Error(`emulator replay: ${result.failed.length} records not sent`);

    t0 = performance.now();
    for (let i = 0; i < ctrs.length; i++) {
      await kinesis.send(
        new PutRecordCommand({
          StreamName: singleStream,
          Data: records[i],
          PartitionKey: partitionKeyFor(ctrs[i], records[i]),
        }),
      );
    }
    const singleMs = performance.now() - t0;
    return {
      records: records.length,
      batchedPerSecond: (records.length * 1000) / batchedMs,
      singlePerSecond: (records.length * 1000) / singleMs,
    };
  } finally {
    kinesis.destroy();
  }
}
