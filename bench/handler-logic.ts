import { classifyRecord } from '../lambda-dedup/src/classifyRecord';
import { keyFromString } from '../lambda-dedup/src/pseudonymization-key';
import { createPseudonymizer } from '../lambda-dedup/src/pseudonymize';
import { LOCAL_PSEUDONYMIZATION_KEY } from '../local/environment';
import { median } from './measure';

/** CPU the dedup rule itself spends per record, with no SDK call: decode, validate, canonical JSON, SHA-256. */
export interface HandlerLogicCost {
  readonly canonicalMicrosPerRecord: number;
  readonly rawMicrosPerRecord: number;
  /** Pseudonymizing the delivered line (on by default; runs after fingerprinting), per record. */
  readonly pseudonymizeMicrosPerRecord: number;
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
  const pseudonymize = createPseudonymizer(keyFromString(LOCAL_PSEUDONYMIZATION_KEY, 'the local key'));
  const lines = records.flatMap((record) => {
    const classified = classifyRecord(record, 'canonical');
    return classified.kind === 'ctr' ? [classified.line] : [];
  });
  const pseudonymizePass = (): number => {
    const start = process.cpuUsage();
    for (const line of lines) pseudonymize(line);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / records.length;
  };
  pass('canonical');
  pass('raw');
  pseudonymizePass();
  const times = Array.from({ length: Math.max(3, repeats) });
  const runs = (mode: 'canonical' | 'raw') => median(times.map(() => pass(mode)));
  return {
    canonicalMicrosPerRecord: runs('canonical'),
    rawMicrosPerRecord: runs('raw'),
    pseudonymizeMicrosPerRecord: median(times.map(pseudonymizePass)),
  };
}
