import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import type { DeliveryStreamSettings } from './delivery';

/**
 * The stack's delivery stream (`lib/ctr-delivery-stream.ts`) as the local endpoint plays it: partitioned by
 * contact date, Parquet under ctr/, every source record also under backup/. `ctr local` and the benchmark
 * both run it.
 */
export function stackDeliveryStream(
  names: { readonly name: string; readonly bucketName: string },
  bufferIntervalMs: number,
): DeliveryStreamSettings {
  return {
    ...names,
    prefix: DELIVERY_LAYOUT.prefix,
    errorOutputPrefix: DELIVERY_LAYOUT.errorOutputPrefix,
    partitionQueries: { [DELIVERY_LAYOUT.partitionColumn]: DELIVERY_LAYOUT.partitionQuery },
    parquet: true,
    backupPrefix: DELIVERY_LAYOUT.backupPrefix,
    bufferIntervalMs,
  };
}
