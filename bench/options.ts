import { parseArgs } from 'node:util';
import { NamedError } from '../lambda-common/named-error';

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** @default 1000 (a default run stays within about 3 minutes on 2 cores) */
  readonly records: number;
  /** @default 0.3 */
  readonly dupRatio: number;
  /** @default [100, 1000] */
  readonly batchSizes: number[];
  /** @default 3 */
  readonly repeats: number;
  /** Delay added to every DynamoDB call against the local server. @default 0 */
  readonly latencyMs: number;
  readonly json?: string;
  readonly chart?: string;
  /** Skip the `npm start` timing (it starts a second process). @default false */
  readonly skipDemo: boolean;
}

/** A bad command line. */
export class BenchUsageError extends NamedError {}

export const BENCH_HELP = `Usage: npm run bench -- [options]

  --records N         CTRs in the corpus, copies included (default 1000)
  --dup-ratio R       fraction of the records that are exact copies (default 0.3)
  --batch-sizes A,B   Kinesis batch sizes (default 100,1000)
  --repeats N         runs per design and batch size; records/s is the median (default 3)
  --latency-ms N      delay added to every DynamoDB call, as a region's round trip (default 0)
  --json FILE         write every figure as JSON
  --chart FILE.svg    write a bar chart of records/s per design and batch size
  --skip-demo         do not time "npm start"
`;

/** Parses and checks the options; throws BenchUsageError with the problem. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      records: { type: 'string' },
      'dup-ratio': { type: 'string' },
      'batch-sizes': { type: 'string' },
      repeats: { type: 'string' },
      'latency-ms': { type: 'string' },
      json: { type: 'string' },
      chart: { type: 'string' },
      'skip-demo': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new BenchUsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const dupRatio = values['dup-ratio'] === undefined ? 0.3 : Number(values['dup-ratio']);
  if (!(dupRatio >= 0 && dupRatio < 1))
    throw new BenchUsageError(`--dup-ratio must be at least 0 and below 1, got "${values['dup-ratio']}"`);
  const batchSizes = (values['batch-sizes'] ?? '100,1000')
    .split(',')
    .map((s) => int('batch-sizes', s.trim(), 0, 1, 10_000));
  return {
    records: int('records', values.records, 1000, 1, 1_000_000),
    dupRatio,
    batchSizes,
    repeats: int('repeats', values.repeats, 3, 1, 100),
    latencyMs: int('latency-ms', values['latency-ms'], 0, 0, 1000),
    json: values.json,
    chart: values.chart,
    skipDemo: values['skip-demo'] ?? false,
  };
}
