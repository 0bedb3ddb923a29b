import { DEFAULT_QUARANTINE_PREFIX } from '../lambda-dedup/src/constants';
import { quarantineRecord } from '../lambda-dedup/src/quarantine';
import { KINESIS_LIMITS } from '../lambda-emulator/src/constants';
import { prepareRecord } from '../lambda-emulator/src/prepareRecord';
import type { LocalEnvironment } from './environment';

// A partition key is at most 256 characters of up to 4 UTF-8 bytes each.
const MAX_KEY_BYTES = KINESIS_LIMITS.maxPartitionKeyLength * 4;

/** True when a record cannot be put into Kinesis: its data plus partition key exceed 1 MiB. */
export function tooLargeForStream(data: Buffer): boolean {
  if (data.length + MAX_KEY_BYTES <= KINESIS_LIMITS.maxRecordBytes) return false;
  return prepareRecord(data, 0).size > KINESIS_LIMITS.maxRecordBytes;
}

/**
 * Keeps an input record that Kinesis would refuse in the bucket's quarantine, in the dedup function's
 * format and with its reason (`TOO_LARGE`, as the function would say of it), instead of failing the run.
 * The key names the record's position in the input.
 */
export async function quarantineTooLarge(env: LocalEnvironment, data: Buffer, inputIndex: number): Promise<void> {
  const now = new Date();
  await quarantineRecord(
    env.clients.s3,
    env.names.bucketName,
    DEFAULT_QUARANTINE_PREFIX,
    {
      reason: 'TOO_LARGE',
      detail: `${data.length} bytes; Kinesis accepts at most ${KINESIS_LIMITS.maxRecordBytes} with the partition key, so the record was not sent`,
      origin: {
        eventSourceARN: 'input',
        shardId: 'input',
        sequenceNumber: String(inputIndex),
        partitionKey: '',
        approximateArrivalTimestamp: Math.floor(now.getTime() / 1000),
      },
      data,
    },
    now,
  );
}
