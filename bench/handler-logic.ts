import { classifyRecord } from '../lambda-dedup/src/classifyRecord';
import { median } from './measure';

/** CPU the dedup rule itself spends per record, with no SDK call: decode, validate, canonical JSON, SHA-256. */
export interface HandlerLogicCost {
  readonly canonicalMicrosPerRecord: number;
  readonly rawMicrosPerRecord: number;
}

/**
 * Times `classifyRecord` (the per-record work of the handler outside its AWS calls) over the corpus,
 * median of `repeats` passes after a warm-up. The full-handler figure adds the SDK's request pipeline
 * (serialising, signing, middleware) of about one DynamoDB request per distinct record.
 */
export function measureHandlerLogic(records: readonly Buffer[], repeats: number): HandlerLogicCost {
  const pass = (mode: 'canonical' | 'raw'): number => {
    const start = process.cpuUsage();
    for (const record of records) classifyRecord(record, mode);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / records.length;
  };
  pass('canonical');
  pass('raw');
  const runs = (mode: 'canonical' | 'raw') => median(Array.from({ length: Math.max(3, repeats) }, () => pass(mode)));
  return { canonicalMicrosPerRecord: runs('canonical'), rawMicrosPerRecord: runs('raw') };
}
